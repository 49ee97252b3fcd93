"""Convolutional autoencoders: the tutorial's deep conv model and its denoising variant.

One builder serves both. The encoder repeats Conv2D + MaxPooling2D per entry of `filters`; the
decoder mirrors it with Conv2D + UpSampling2D. Pooling rounds odd sizes up (7 -> 4), so on the way
back a decoder convolution drops its padding exactly where the sizes overshoot by two pixels,
which for the default (16, 8, 8) reproduces the tutorial's 4 -> 8 -> 16 -> 14 -> 28 decoder
(`aelib.architectures.plans.decoder_plan`). The last convolution gives the image's channels.
With `noise_factor` > 0, a `NoisyInput` layer corrupts inputs during training only.
"""

from __future__ import annotations

import keras
from keras import ops

from aelib.architectures import Tensor, input_layout
from aelib.architectures.plans import decoder_plan
from aelib.architectures.seeding import Initializers


@keras.saving.register_keras_serializable(package="aelib")
class NoisyInput(keras.layers.Layer):
    """Adds Gaussian noise to inputs while training, clipped to [0, 1]; identity otherwise.

    Fresh noise is drawn for every batch from a seeded generator, so the model learns to denoise
    rather than to memorise one noisy copy of each image.

    Args:
        noise_factor: standard deviation of the noise.
        seed: seed of the noise generator.
    """

    def __init__(self, noise_factor: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.noise_factor = noise_factor
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        if not training:
            return inputs
        noise = keras.random.normal(ops.shape(inputs), seed=self.seed_generator)
        return ops.clip(inputs + self.noise_factor * noise, 0.0, 1.0)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]
                             ) -> tuple[int | None, ...]:
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "noise_factor": self.noise_factor, "seed": self.seed}


def build_models(hparams: dict, image_shape: tuple[int, int, int], seed: int
                 ) -> tuple[keras.Model, keras.Model, keras.Model]:
    """Make (autoencoder, encoder, decoder) for `conv` or `denoising` hyperparameters."""
    filters = hparams["filters"]
    layout = input_layout("image", image_shape)
    noise_factor = hparams.get("noise_factor", 0.0)
    init = Initializers(seed)

    def conv(num_filters, padding="same", activation="relu", name=None):
        return keras.layers.Conv2D(num_filters, (3, 3), activation=activation, padding=padding,
                                   kernel_initializer=init.glorot(), name=name)

    inputs = keras.Input(shape=layout, name="image")  # (batch, 28, 28, 1)
    x = inputs
    for i, num_filters in enumerate(filters):
        x = conv(num_filters, name=f"encode_conv_{i}")(x)
        x = keras.layers.MaxPooling2D((2, 2), padding="same", name=f"encode_pool_{i}")(x)
    encoder = keras.Model(inputs, x, name="encoder")  # (batch, 4, 4, 8) by default

    code_inputs = keras.Input(shape=tuple(encoder.output.shape[1:]), name="code_in")
    levels, crop = decoder_plan(filters, image_shape[:2])
    y = code_inputs
    for level, (num_filters, padding) in zip(reversed(range(len(filters))), levels):
        y = conv(num_filters, padding=padding, name=f"decode_conv_{level}")(y)
        y = keras.layers.UpSampling2D((2, 2), name=f"decode_up_{level}")(y)
    if crop != (0, 0):
        y = keras.layers.Cropping2D(((0, crop[0]), (0, crop[1])), name="crop")(y)
    outputs = conv(image_shape[2], activation="sigmoid", name="image_out")(y)  # (batch, h, w, c)
    decoder = keras.Model(code_inputs, outputs, name="decoder")

    model_inputs = encoder_inputs = keras.Input(shape=layout, name="image")
    if noise_factor > 0:
        encoder_inputs = NoisyInput(noise_factor, seed=init.next_seed(), name="noise")(model_inputs)
    autoencoder = keras.Model(model_inputs, decoder(encoder(encoder_inputs)), name="autoencoder")
    return autoencoder, encoder, decoder
