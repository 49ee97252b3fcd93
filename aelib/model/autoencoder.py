"""`Autoencoder`: one uniform shape for every architecture, and `build` to make one by name.

Whatever the architecture, an `Autoencoder` takes images shaped (n, height, width, channels)
with values in [0, 1], and gives back numpy arrays: codes from `encode`, images shaped the same
from `reconstruct` and `decode`. How each architecture reads an image (a flat vector, an image,
a sequence of rows) is its registry entry's `input_mode`, whose layout
`aelib.architectures.input_layout` gives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import keras
import numpy as np

from aelib.architectures import REGISTRY, get_architecture, input_layout
from aelib.images import image_shape as checked_image_shape
from aelib.params import resolve

DEFAULT_IMAGE_SHAPE = (28, 28, 1)  # MNIST
PREDICT_BATCH_SIZE = 256  # conv activations of 1,024 images take ~50 MB a layer


@dataclass(frozen=True)
class LayerRow:
    """One row of a model summary."""

    model: str  # "encoder" or "decoder"
    name: str
    kind: str  # the layer's class name
    output_shape: str
    parameters: int


@dataclass(frozen=True)
class ModelSummary:
    """What `Autoencoder.summary` reports: the layers and their sizes."""

    layers: tuple[LayerRow, ...]
    total_parameters: int
    code_shape: tuple[int, ...]


class Autoencoder:
    """An autoencoder of any registered architecture, with numpy in and numpy out.

    Args:
        architecture: registry name, e.g. "conv".
        hparams: its validated hyperparameters.
        autoencoder: the trainable Keras model (input to reconstruction).
        encoder: Keras model from input to code.
        decoder: Keras model from code to reconstruction; for the VAE, the generator.
        image_shape: (height, width, channels) of the images it takes.
        seed: the seed its weights were initialised from.

    Example:
        >>> ae = aelib.build("dense", encoding_dim=16)  # doctest: +SKIP
        >>> ae.reconstruct(images).shape                 # doctest: +SKIP
        (10, 28, 28, 1)
    """

    def __init__(self, architecture, hparams, autoencoder, encoder, decoder,
                 image_shape=DEFAULT_IMAGE_SHAPE, seed=0):
        self.architecture = architecture
        self.hparams = dict(hparams)
        self.autoencoder = autoencoder
        self.encoder = encoder
        self.decoder = decoder
        self.image_shape = checked_image_shape(image_shape)
        self.seed = seed

    @property
    def input_mode(self) -> str:
        """How the models read an image: "flat", "image" or "sequence"."""
        return REGISTRY[self.architecture].input_mode

    @property
    def loss(self) -> str:
        """The per-pixel reconstruction loss it trains with: "bce" or "mse"."""
        return self.hparams.get("loss", "bce")

    @property
    def noise_factor(self) -> float:
        """Standard deviation of the training-time input noise (0 for all but `denoising`)."""
        return float(self.hparams.get("noise_factor", 0.0))

    @property
    def code_shape(self) -> tuple[int, ...]:
        """Shape of one code, e.g. (32,) for `dense` or (4, 4, 8) for `conv`."""
        return tuple(self.encoder.output.shape[1:])

    @property
    def code_size(self) -> int:
        """Number of values in one code."""
        return math.prod(self.code_shape)

    def to_model_input(self, images: np.ndarray) -> np.ndarray:
        """Convert images to this architecture's input layout, as float32.

        Accepts (n, height, width, channels), (n, height, width) for a one-channel model, or
        (n, height x width x channels) flat rows.

        Raises:
            ValueError: the images do not have this model's shape.
        """
        images = np.asarray(images, dtype=np.float32)
        height, width, channels = self.image_shape
        accepted = {self.image_shape, (height * width * channels,)}
        if channels == 1:
            accepted.add((height, width))
        if images.ndim < 2 or tuple(images.shape[1:]) not in accepted:
            raise ValueError(
                f"Expected images shaped (n, {height}, {width}, {channels}); got an array shaped "
                f"{images.shape}. Resize the images or build the model with "
                f"image_shape={tuple(images.shape[1:4])}."
            )
        layout = input_layout(self.input_mode, self.image_shape)
        return np.ascontiguousarray(images.reshape((len(images), *layout)))

    def encode(self, images: np.ndarray) -> np.ndarray:
        """Codes of `images`, shaped (n, *code_shape); the VAE gives the latent means."""
        return self._predict(self.encoder, self.to_model_input(images))

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """Images (n, height, width, channels) decoded from codes shaped (n, *code_shape) or
        (n, code_size).

        Raises:
            ValueError: the codes do not have `code_size` values each.
        """
        codes = np.asarray(codes, dtype=np.float32)
        if codes.ndim < 2 or math.prod(codes.shape[1:]) != self.code_size:
            raise ValueError(
                f"Expected codes shaped (n, {', '.join(map(str, self.code_shape))}) or "
                f"(n, {self.code_size}); got {codes.shape}."
            )
        codes = codes.reshape((len(codes), *self.code_shape))
        return self._to_images(self._predict(self.decoder, codes))

    def posterior(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A variational model's q(z|x) for each image: its mean and log-variance, each
        shaped (n, latent_dim).

        Raises:
            ValueError: a model without a latent prior (not the VAE), or images of the wrong
                shape.
        """
        if not REGISTRY[self.architecture].variational:
            raise ValueError(f"A {self.architecture!r} model has no posterior: only a "
                             "variational model (vae) encodes images as Gaussians.")
        inputs = self.to_model_input(images)
        parts = [[keras.ops.convert_to_numpy(part) for part in
                  self.autoencoder.encoder(inputs[start:start + PREDICT_BATCH_SIZE],
                                           training=False)]
                 for start in range(0, len(inputs), PREDICT_BATCH_SIZE)]
        if not parts:
            empty = np.zeros((0, self.code_size), dtype=np.float32)
            return empty, empty.copy()
        mean, log_var = (np.concatenate(column) for column in zip(*parts))
        return mean, log_var

    def reconstruct(self, images: np.ndarray) -> np.ndarray:
        """Reconstructions (n, height, width, channels) of `images`, through the code (no
        training noise)."""
        return self.decode(self.encode(images))

    def summary(self) -> ModelSummary:
        """The encoder's and decoder's layers, output shapes and parameter counts."""
        rows = []
        # The trained sub-models, which for the VAE includes the log-variance head that
        # `self.encoder` (the mean) leaves out.
        parts = [layer for layer in self.autoencoder.layers if isinstance(layer, keras.Model)]
        for model in parts:
            part = "decoder" if model is self.decoder else "encoder"
            for layer in model.layers:
                if isinstance(layer, keras.layers.InputLayer):
                    continue
                rows.append(LayerRow(part, layer.name, type(layer).__name__,
                                     str(tuple(layer.output.shape)), int(layer.count_params())))
        return ModelSummary(tuple(rows), int(self.autoencoder.count_params()), self.code_shape)

    def _to_images(self, outputs: np.ndarray) -> np.ndarray:
        return outputs.reshape((len(outputs), *self.image_shape))

    @staticmethod
    def _predict(model: keras.Model, inputs: np.ndarray) -> np.ndarray:
        # Direct calls rather than model.predict: no data-adapter set-up per call, which is most
        # of the cost for the small batches a UI asks for after every epoch.
        parts = [
            keras.ops.convert_to_numpy(model(inputs[start:start + PREDICT_BATCH_SIZE],
                                             training=False))
            for start in range(0, len(inputs), PREDICT_BATCH_SIZE)
        ]
        if not parts:
            return np.zeros((0, *model.output.shape[1:]), dtype=np.float32)
        return np.concatenate(parts)


def build(name: str, *, seed: int = 0,
          image_shape: tuple[int, ...] = DEFAULT_IMAGE_SHAPE, **hparams: object) -> Autoencoder:
    """Build an autoencoder of a registered architecture.

    Args:
        name: one of `aelib.ARCHITECTURES`.
        seed: seed of the initial weights (and of the VAE's sampling, the denoiser's noise).
        image_shape: (height, width, channels) of the images it will take, with 1 or 3
            channels and sides within `aelib.images.LIMITS`; (height, width) means 1 channel.
        **hparams: the architecture's hyperparameters; missing ones take the tutorial's values.

    Returns:
        An untrained `Autoencoder`.

    Raises:
        ValueError: unknown architecture, unknown hyperparameter, a value out of range, or an
            image shape outside the limits (naming the limit).
    """
    architecture = get_architecture(name)
    resolved = resolve(architecture.params, hparams, f"Architecture {name!r}")
    image_shape = checked_image_shape(image_shape)
    models = architecture.build_models(resolved, image_shape, int(seed))
    return Autoencoder(name, resolved, *models, image_shape=image_shape, seed=int(seed))
