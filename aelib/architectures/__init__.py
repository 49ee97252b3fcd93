"""The registry of autoencoder architectures: name -> how to build it and what it accepts.

Each entry is data: a title, what the model is for, how it reads images, its parameter specs
(defaults from the classic Keras tutorial "Building Autoencoders in Keras"), the training
settings it starts from (chosen to give recognisable reconstructions in a short wait on 2 CPU
cores, measured by `bench/defaults.py`), the tutorial's own training budget, and the module whose
`build_models` makes its Keras models. Modules are imported only when a model is built, so reading
the registry (a home page listing the architectures) does not pay for importing Keras.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeAlias

from aelib.params import ParamSpec

if TYPE_CHECKING:
    import keras

# What Keras layers and models take and give: a backend tensor (tf.Tensor, jax.Array,
# torch.Tensor) or a symbolic KerasTensor. Keras 3 has no one type for all of them.
Tensor: TypeAlias = Any

# How each kind of model reads an image of shape (height, width, channels): in words, and as
# the array layout `input_layout` gives. Autoencoder.to_model_input, the builders and the
# generated Keras scripts all take the layout from here.
INPUT_MODES = {
    "flat": "a vector of all its values (height x width x channels)",
    "image": "an image with its channels",
    "sequence": "a sequence of pixel rows (height steps of width x channels values)",
}
# The reconstruction losses a model can train with: the name of the `loss` hyperparameter's
# choice, and the Keras loss it compiles to. aelib.explore.analysis.reconstruction_errors
# computes the same per image in numpy.
KERAS_LOSSES = {"bce": "binary_crossentropy", "mse": "mean_squared_error"}
# Each of those losses in words, wherever a number measured in it is named (a page's metric,
# a histogram's axis).
LOSS_LABELS = {"bce": "binary cross-entropy", "mse": "mean squared error"}


def input_layout(input_mode: str, image_shape: tuple[int, int, int]) -> tuple[int, ...]:
    """The shape of one image as a model of `input_mode` reads it (without the batch axis).

    Example:
        >>> input_layout("sequence", (32, 32, 3))
        (32, 96)
    """
    height, width, channels = image_shape
    return {"flat": (height * width * channels,), "image": (height, width, channels),
            "sequence": (height, width * channels)}[input_mode]


@dataclass(frozen=True)
class TrainingPreset:
    """Training settings to start a model from.

    Args:
        epochs: passes over the training images.
        batch_size: images per gradient step.
        optimizer: a name `aelib.train` accepts.
        learning_rate: None for the optimizer's default (`aelib.DEFAULT_LEARNING_RATES`).
        note: where the values come from, in a sentence, where that is not plain.
    """

    epochs: int
    batch_size: int
    optimizer: str = "adam"
    learning_rate: float | None = None
    note: str = ""

    def settings(self, seed: int = 0) -> dict:
        """Keyword arguments for `aelib.train` (the `settings` of an `aelib.TrainingJob`).

        Args:
            seed: seed of the batch order.

        Returns:
            epochs, batch_size, optimizer, learning_rate (the optimizer's own when the preset
            names none) and seed.
        """
        from aelib.settings import learning_rate_for

        return {"epochs": self.epochs, "batch_size": self.batch_size,
                "optimizer": self.optimizer,
                "learning_rate": learning_rate_for(self.optimizer, self.learning_rate),
                "seed": seed}


@dataclass(frozen=True)
class Architecture:
    """How to build one kind of autoencoder.

    Args:
        name: registry key, as passed to `aelib.build`.
        title: a human name.
        purpose: one or two sentences on what it is for.
        input_mode: how it reads an image; a key of `INPUT_MODES`.
        params: its hyperparameters.
        module: the module in `aelib.architectures` whose `build_models` makes it.
        training: the training settings it starts from: recognisable reconstructions of the
            bundled MNIST sample in a short wait on 2 CPU cores.
        tutorial_training: the classic tutorial's own budget (its `note` says where the
            tutorial gave none).
        cpu_steps_per_execution: training steps per call into the backend on a CPU, chosen with
            bench/train_speed.py (README, Performance). The small dense models are
            launch-bound: a whole epoch per call (32 steps of 256 images) trains them 1.4 to 1.9
            times faster than one step per call. The conv and LSTM models are compute-bound and
            gain 10 to 25% from 8 steps per call, which still moves their progress bar a few
            times per epoch. `aelib.training.fit` uses fewer where the backend needs them.
        seconds_per_1000_image_epochs: rough seconds per epoch of 1,000 training images on 2
            CPU cores (bench/train_speed.py): a sweep's estimate before its store has runs of
            this architecture to go by.
        tutorial: Markdown: what the classic tutorial did, where its code is wrong or stale
            for today's Keras, and what aelib does instead.
        variational: whether its code has a latent prior (the VAE): each image is encoded as a
            Gaussian pulled toward N(0, 1) by a KL term the model adds to its own loss (its
            history has `reconstruction_loss` and `kl_loss`), and decoding any likely latent
            point makes a new image.
    """

    name: str
    title: str
    purpose: str
    input_mode: str
    params: tuple[ParamSpec, ...]
    module: str
    training: TrainingPreset
    tutorial_training: TrainingPreset
    cpu_steps_per_execution: int
    seconds_per_1000_image_epochs: float
    tutorial: str = ""
    variational: bool = False

    def build_models(self, hparams: dict, image_shape: tuple[int, int, int], seed: int
                     ) -> tuple[keras.Model, keras.Model, keras.Model]:
        """Make the (autoencoder, encoder, decoder) Keras models from validated `hparams`, for
        images shaped (height, width, channels)."""
        module = importlib.import_module(f"aelib.architectures.{self.module}")
        return module.build_models(hparams, image_shape, seed)


_ENCODING_DIM = ParamSpec(
    "encoding_dim", 32, "Size of the code: all of an image's values (784 for MNIST) are "
    "squeezed into this many numbers.", low=1, high=512,
)
_LOSS = ParamSpec(
    "loss", "bce", "The reconstruction loss per pixel: bce, binary cross-entropy (the "
    "tutorial's, for mostly black-and-white images such as digits); mse, mean squared error "
    "(often better for photos and colour).", kind="choice", choices=tuple(KERAS_LOSSES),
)
_STALE_API = ("**Stale:** its code is Keras 1 (`Model(input=..., output=...)`, `nb_epoch`, "
              "`border_mode`), which today's Keras rejects; aelib is Keras 3 throughout.")
_NO_LSTM_BUDGET = ("The tutorial never trained its LSTM sketch, so it gave no budget: this is "
                   "its conv models' (50 epochs of batch 128).")
_VAE_BUDGET = ("As in the script the tutorial's VAE comes from, Keras's "
               "variational_autoencoder.py example.")
_LEARNED_FILTERS = ("Filters per convolution of the encoder, first to last; the decoder "
                    "mirrors them.")

# Every architecture takes the reconstruction loss as its last hyperparameter.
REGISTRY: dict[str, Architecture] = {
    arch.name: replace(arch, params=(*arch.params, _LOSS))
    for arch in (
        Architecture(
            name="dense",
            title="Single-layer dense",
            purpose="The simplest autoencoder: one fully connected layer in, one out. "
            "Close to PCA, but with a non-negative ReLU code: the baseline for the others.",
            input_mode="flat",
            params=(_ENCODING_DIM,),
            module="dense",
            training=TrainingPreset(10, 64, learning_rate=3e-3),
            tutorial_training=TrainingPreset(50, 256),
            cpu_steps_per_execution=32,
            seconds_per_1000_image_epochs=0.011,
            tutorial=("**The tutorial:** `Dense(32, activation='relu')` then `Dense(784, "
                      "activation='sigmoid')`, binary cross-entropy, `optimizer='adadelta'`, 50 "
                      "epochs of batch 256.\n\n**Wrong today:** Adadelta's learning rate was 1.0 "
                      "in the Keras the tutorial used; today's Keras defaults it to 0.001, so "
                      "the tutorial's line barely trains. **Our fix:** Adam by default, and "
                      "Adadelta gets 1.0 when chosen.\n\n" + _STALE_API),
        ),
        Architecture(
            name="sparse",
            title="Sparse (L1 on the code)",
            purpose="The dense model with an L1 penalty on code activations, so that fewer "
            "units fire at once: sparser, more interpretable codes.",
            input_mode="flat",
            params=(
                _ENCODING_DIM,
                ParamSpec(
                    "l1", 1e-4, "Weight of the L1 activity penalty on the code. The tutorial "
                    "wrote 10e-5, which is 1e-4.", kind="float", low=0.0, high=1e-1, log_scale=True,
                ),
            ),
            module="dense",
            training=TrainingPreset(10, 64, learning_rate=3e-3),
            tutorial_training=TrainingPreset(100, 256),
            cpu_steps_per_execution=32,
            seconds_per_1000_image_epochs=0.012,
            tutorial=("**The tutorial:** the dense model with `activity_regularizer="
                      "regularizers.l1(10e-5)`, trained 100 epochs; codes averaged 3.33 against "
                      "7.30 without the penalty.\n\n**Wrong:** `10e-5` is 1e-4, not 1e-5 (10 "
                      "times 1e-5). **Our fix:** the default `l1` is 1e-4, what the code really "
                      "used, and the Codes page measures the mean activation as the tutorial "
                      "did.\n\n" + _STALE_API),
        ),
        Architecture(
            name="topk",
            title="TopK sparse",
            purpose="The dense model with exactly k code units active per image (the k "
            "highest scores kept, the rest zero), as in OpenAI's 2024 sparse autoencoders: "
            "sparsity set directly instead of through an L1 weight, with an auxiliary loss "
            "that revives dead units.",
            input_mode="flat",
            params=(
                _ENCODING_DIM,
                ParamSpec("k", 8, "Code units active per image: each image keeps its k "
                          "highest unit scores and zeroes the rest. At most encoding_dim.",
                          low=1, high=512),
            ),
            module="topk",
            training=TrainingPreset(10, 64, learning_rate=3e-3),
            tutorial_training=TrainingPreset(
                100, 256, note="The tutorial gave no budget for a TopK model (it has none): "
                "this is its L1 sparse model's."),
            cpu_steps_per_execution=32,
            seconds_per_1000_image_epochs=0.013,
            tutorial=("**The tutorial:** none; its sparse model is the L1 one. TopK comes from "
                      "Makhzani and Frey's k-sparse autoencoder (2013) and OpenAI's "
                      "\"Scaling and evaluating sparse autoencoders\" (Gao et al., 2024).\n\n"
                      "**What aelib does:** the dense layer scores each unit, the k highest "
                      "scores stay as they are (so exactly k values are non-zero) and the rest "
                      "become 0; the decoder is the dense model's. Units that are in no "
                      "image's top k in a batch get the paper's AuxK loss: their top 2k scores "
                      "reconstruct what the model missed, weighted 1/32, so dead units come "
                      "back. Compare it with the L1 model at the same share of active units."),
        ),
        Architecture(
            name="deep",
            title="Deep dense",
            purpose="A stack of dense layers (128-64-32) and its mirror: more capacity at the "
            "same code size, which pays off with a longer training than its short preset.",
            input_mode="flat",
            params=(
                ParamSpec(
                    "hidden_units", (128, 64, 32), "Units per encoder layer; the last one is the "
                    "code size. The decoder mirrors them.", kind="int_list", low=1, high=1024,
                ),
            ),
            module="dense",
            training=TrainingPreset(20, 64, learning_rate=3e-3),
            tutorial_training=TrainingPreset(100, 256),
            cpu_steps_per_execution=32,
            seconds_per_1000_image_epochs=0.018,
            tutorial=("**The tutorial:** 128-64-32 dense layers and their mirror, 100 epochs, "
                      "loss about 0.097.\n\n**Our fix:** nothing in the "
                      "model; it is rebuilt as is, with seeded weights so runs repeat.\n\n"
                      + _STALE_API),
        ),
        Architecture(
            name="conv",
            title="Deep convolutional",
            purpose="Convolutions and pooling down to a 4x4x8 code, upsampling back: it sees "
            "images as images, with under a tenth of the dense model's weights; it needs the "
            "tutorial's longer budget to reconstruct well.",
            input_mode="image",
            params=(
                ParamSpec("filters", (16, 8, 8), _LEARNED_FILTERS, kind="int_list", low=1,
                          high=128, max_length=3),
            ),
            module="conv",
            training=TrainingPreset(8, 64, learning_rate=3e-3),
            tutorial_training=TrainingPreset(50, 128),
            cpu_steps_per_execution=8,
            seconds_per_1000_image_epochs=0.1,
            tutorial=("**The tutorial:** Conv2D 16-8-8 with max pooling to a 4x4x8 code, "
                      "upsampling back, the decoder's last hidden convolution unpadded to land "
                      "on 28x28; 50 epochs, loss about 0.094, watched in TensorBoard.\n\n"
                      "**Our fix:** the same decoder for any filters and image size (the "
                      "unpadded convolution goes where the sizes overshoot); progress and curves "
                      "live in the app instead of TensorBoard.\n\n" + _STALE_API),
        ),
        Architecture(
            name="denoising",
            title="Convolutional denoising",
            purpose="Trained on noisy inputs against clean targets, with fresh noise for every "
            "batch: it learns to remove noise rather than to copy.",
            input_mode="image",
            params=(
                ParamSpec("filters", (32, 32), _LEARNED_FILTERS, kind="int_list", low=1,
                          high=128, max_length=3),
                ParamSpec("noise_factor", 0.5, "Standard deviation of the Gaussian noise added "
                          "to training inputs (then clipped to [0, 1]).", kind="float", low=0.0,
                          high=2.0),
            ),
            module="conv",
            training=TrainingPreset(3, 64, learning_rate=3e-3),
            tutorial_training=TrainingPreset(100, 128),
            cpu_steps_per_execution=8,
            seconds_per_1000_image_epochs=0.24,
            tutorial=("**The tutorial:** noise added once to the training images "
                      "(`x + 0.5 * np.random.normal(...)`, clipped), 32-32 filters, 100 "
                      "epochs.\n\n**Wrong:** one fixed noisy copy means the model sees the "
                      "same noise every epoch and can learn it by heart. **Our fix:** fresh noise "
                      "for every batch (a training-only layer), validated on a fixed noisy copy "
                      "of the test images against the clean ones.\n\n" + _STALE_API),
        ),
        Architecture(
            name="lstm",
            title="LSTM sequence-to-sequence",
            purpose="Reads an image as a sequence of its rows (28 for MNIST), encodes it into one "
            "vector with an LSTM and unrolls it back: the shape of a model for time series.",
            input_mode="sequence",
            params=(
                ParamSpec("latent_dim", 64, "Size of the code (the encoder LSTM's last state).",
                          low=1, high=512),
                ParamSpec("decoder_units", 128, "Units of the decoder LSTM; a dense sigmoid layer "
                          "maps them to pixel values.", low=1, high=512),
            ),
            module="lstm",
            training=TrainingPreset(10, 32, learning_rate=5e-3),
            tutorial_training=TrainingPreset(50, 128, note=_NO_LSTM_BUDGET),
            cpu_steps_per_execution=8,
            seconds_per_1000_image_epochs=0.11,
            tutorial=("**The tutorial:** a sketch, `LSTM(latent_dim)`, `RepeatVector`, "
                      "`LSTM(input_dim, return_sequences=True)`, with `timesteps`, `input_dim` and "
                      "`latent_dim` left undefined: it was never trained on anything.\n\n"
                      "**Wrong:** the decoder LSTM outputs tanh values in [-1, 1] for pixels in "
                      "[0, 1]. **Our fix:** an image is read as 28 rows, a dense sigmoid layer "
                      "maps each decoder step to a row, and it trains like the others.\n\n"
                      + _STALE_API),
        ),
        Architecture(
            name="vae",
            title="Variational (VAE)",
            purpose="Encodes each image as a Gaussian in a small latent space, regularised "
            "towards a standard normal: decode any point of that space to make new images.",
            input_mode="flat",
            params=(
                ParamSpec("intermediate_dim", 256, "Units of the hidden dense layer of the "
                          "encoder and of the decoder.", low=1, high=1024),
                ParamSpec("latent_dim", 2, "Size of the latent space; 2 can be drawn as a plane.",
                          low=1, high=64),
                ParamSpec("beta", 1.0, "Weight of the KL term against the reconstruction term "
                          "(1 is the true ELBO; more gives smoother, blurrier latents).",
                          kind="float", low=0.0, high=100.0),
                ParamSpec("objective", "beta_vae", "beta_vae: beta times the KL (the β-VAE, "
                          "Higgins et al. 2017). beta_tcvae: the KL split into index-code "
                          "mutual information, total correlation and dimension-wise KL, with "
                          "beta on the total correlation only (Chen et al. 2018).",
                          kind="choice", choices=("beta_vae", "beta_tcvae")),
                ParamSpec("kl_warmup_epochs", 0, "KL warm-up: the KL side's weight rises "
                          "linearly from 0 over this many epochs, so the code learns before it "
                          "is pulled to the prior; 0 for none.", low=0, high=1000),
                ParamSpec("capacity_gamma", 0.0, "Capacity annealing (Burgess et al. 2018): "
                          "weight of |KL - C| in place of beta x KL; 0 for none (β-VAE "
                          "objective only).", kind="float", low=0.0, high=10000.0),
                ParamSpec("capacity_max", 25.0, "Capacity annealing: the KL target C reached, "
                          "in nats per image.", kind="float", low=0.0, high=1000.0),
                ParamSpec("capacity_epochs", 20, "Capacity annealing: epochs over which C rises "
                          "linearly from 0 to capacity_max.", low=1, high=1000),
                ParamSpec("loss_weighting", "corrected", "corrected: reconstruction and KL "
                          "both per image (the ELBO). tutorial: the classic tutorial's "
                          "per-pixel reconstruction plus per-image KL, which weighs the KL 784 "
                          "times too much: blurry digits, a collapsed latent plane.",
                          kind="choice", choices=("corrected", "tutorial")),
                ParamSpec("network", "dense", "dense: the tutorial's dense encoder and decoder. "
                          "conv: strided convolutions down to the hidden dense layer and "
                          "transposed convolutions back up (as keras.io's VAE), better on "
                          "colour images.", kind="choice", choices=("dense", "conv")),
                ParamSpec("filters", (32, 64), "Filters of each stride-2 convolution of the "
                          "encoder, first to last; the decoder mirrors them (conv network "
                          "only).", kind="int_list", low=1, high=128, max_length=3),
            ),
            module="vae",
            training=TrainingPreset(15, 128, learning_rate=5e-3),
            tutorial_training=TrainingPreset(50, 100, note=_VAE_BUDGET),
            cpu_steps_per_execution=32,
            seconds_per_1000_image_epochs=0.02,
            variational=True,
            tutorial=("**The tutorial:** an encoder to `z_mean` and `z_log_sigma`, sampling "
                      "`z_mean + K.exp(z_log_sigma) * epsilon`, loss `binary_crossentropy(x, "
                      "x_decoded_mean) + kl_loss`.\n\n**Wrong:** (1) the KL term treats "
                      "`z_log_sigma` as a log-variance while the sampling treats it as a log "
                      "standard deviation; (2) the reconstruction term is a mean over 784 pixels "
                      "but the KL term is per image, so the KL weighs 784 times too much. "
                      "**Our fix:** a log-variance everywhere (`exp(0.5 * log_var)` in "
                      "sampling) and both terms per image. Set `loss_weighting` to `tutorial` "
                      "to train the old way: the KL drops to ~0 and the manifold on the "
                      "Generate page turns into one blurry digit.\n\n" + _STALE_API),
        ),
    )
}

ARCHITECTURES: tuple[str, ...] = tuple(REGISTRY)


def get_architecture(name: str) -> Architecture:
    """Look up an architecture by name.

    Raises:
        ValueError: `name` is not one of `ARCHITECTURES`.
    """
    if name not in REGISTRY:
        raise ValueError(
            f"Unknown architecture {name!r}: choose one of {', '.join(ARCHITECTURES)}."
        )
    return REGISTRY[name]


_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten", "eleven", "twelve")


def count_in_words(count: int) -> str:
    """A count as a sentence writes it: in words up to twelve, in digits above.

    Pages say how many architectures (or tutorial runs) there are with it, so that the number
    follows the registry.

    Args:
        count: a whole number, 0 or more.

    Returns:
        "zero" to "twelve", else the digits (with thousands separators).

    Example:
        >>> count_in_words(len(ARCHITECTURES)), count_in_words(40)
        ('eight', '40')
    """
    return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else f"{count:,}"
