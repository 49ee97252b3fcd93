"""The registry of autoencoder architectures: name -> how to build it and what it accepts.

Each entry is data: a title, what the model is for, how it reads images, its parameter specs
(defaults from the classic Keras tutorial "Building Autoencoders in Keras") and the module whose
`build_models` makes its Keras models. Modules are imported only when a model is built, so reading
the registry (a home page listing the architectures) does not pay for importing Keras.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from aelib.params import ParamSpec

INPUT_MODES = {
    "flat": "a vector of pixels",
    "image": "an image with one channel",
    "sequence": "a sequence of pixel rows",
}


@dataclass(frozen=True)
class Architecture:
    """How to build one kind of autoencoder.

    Args:
        name: registry key, as passed to `aelib.build`.
        title: a human name.
        purpose: one or two sentences on what it is for.
        input_mode: how it reads an (height, width) image; a key of `INPUT_MODES`.
        params: its hyperparameters.
        module: the module in `aelib.architectures` whose `build_models` makes it.
    """

    name: str
    title: str
    purpose: str
    input_mode: str
    params: tuple[ParamSpec, ...]
    module: str

    def build_models(self, hparams: dict, image_shape: tuple[int, int], seed: int):
        """Make the (autoencoder, encoder, decoder) Keras models from validated `hparams`."""
        module = importlib.import_module(f"aelib.architectures.{self.module}")
        return module.build_models(hparams, image_shape, seed)


_ENCODING_DIM = ParamSpec(
    "encoding_dim", 32, "Size of the code: 784 pixels are squeezed into this many numbers.",
    low=1, high=512,
)
_LEARNED_FILTERS = "Filters per convolution of the encoder, first to last; the decoder mirrors them."

REGISTRY: dict[str, Architecture] = {
    arch.name: arch
    for arch in (
        Architecture(
            name="dense",
            title="Single-layer dense",
            purpose="The simplest autoencoder: one fully connected layer in, one out. "
            "Close to PCA, but with a non-negative ReLU code: the baseline for the others.",
            input_mode="flat",
            params=(_ENCODING_DIM,),
            module="dense",
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
        ),
        Architecture(
            name="deep",
            title="Deep dense",
            purpose="A stack of dense layers (128-64-32) and its mirror: more capacity, lower "
            "loss than the single layer at the same code size.",
            input_mode="flat",
            params=(
                ParamSpec(
                    "hidden_units", (128, 64, 32), "Units per encoder layer; the last one is the "
                    "code size. The decoder mirrors them.", kind="int_list", low=1, high=1024,
                ),
            ),
            module="dense",
        ),
        Architecture(
            name="conv",
            title="Deep convolutional",
            purpose="Convolutions and pooling down to a 4x4x8 code, upsampling back: "
            "it sees images as images, so it reconstructs strokes better.",
            input_mode="image",
            params=(
                ParamSpec("filters", (16, 8, 8), _LEARNED_FILTERS, kind="int_list", low=1,
                          high=128, max_length=3),
            ),
            module="conv",
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
        ),
        Architecture(
            name="lstm",
            title="LSTM sequence-to-sequence",
            purpose="Reads an image as a sequence of 28 rows, encodes it into one vector with an "
            "LSTM and unrolls it back: the shape of a model for time series.",
            input_mode="sequence",
            params=(
                ParamSpec("latent_dim", 64, "Size of the code (the encoder LSTM's last state).",
                          low=1, high=512),
                ParamSpec("decoder_units", 64, "Units of the decoder LSTM; a dense sigmoid layer "
                          "maps them to pixel values.", low=1, high=512),
            ),
            module="lstm",
        ),
        Architecture(
            name="vae",
            title="Variational (VAE)",
            purpose="Encodes each image as a Gaussian in a small latent space, regularised "
            "towards a standard normal: decode any point of that space to make new digits.",
            input_mode="flat",
            params=(
                ParamSpec("intermediate_dim", 256, "Units of the hidden dense layer of the "
                          "encoder and of the decoder.", low=1, high=1024),
                ParamSpec("latent_dim", 2, "Size of the latent space; 2 can be drawn as a plane.",
                          low=1, high=64),
                ParamSpec("beta", 1.0, "Weight of the KL term against the reconstruction term "
                          "(1 is the true ELBO; more gives smoother, blurrier latents).",
                          kind="float", low=0.0, high=100.0),
            ),
            module="vae",
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
