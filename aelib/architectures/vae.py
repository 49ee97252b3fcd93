"""Variational autoencoder: an encoder to a Gaussian latent, reparameterised, and a decoder.

The encoder and decoder are dense layers (the tutorial's, `network="dense"`) or, with
`network="conv"`, stride-2 convolutions down to the hidden dense layer and transposed
convolutions back up, as in keras.io's VAE example. Both read an image as a flat vector (the
conv network reshapes it inside the model), so every VAE has the same inputs and outputs.

The loss is the negative ELBO with the correct log-variance KL term,
`KL = -0.5 * sum(1 + log_var - mean^2 - exp(log_var))`, weighted by `beta`. It is reported per
pixel value (divided by height x width x channels) so that `loss` and `reconstruction_loss` sit
on the same scale as the other models' per-pixel loss (binary cross-entropy, or mean squared
error with `loss="mse"`); `kl_loss` is reported in nats per image. Dividing
by a constant does not move the optimum. `loss_weighting="tutorial"` trains with the classic
tutorial's sum instead (per-pixel reconstruction plus per-image KL), to see what it did. Written
with `keras.ops` and `keras.random` only, so it trains on every Keras backend, saves as `.keras`
and evaluates on validation data with both terms.
"""

from __future__ import annotations

import math

import keras
from keras import ops

from aelib.architectures import KERAS_LOSSES, input_layout
from aelib.architectures.plans import halved_sizes, upsampled_crop
from aelib.architectures.seeding import Initializers


@keras.saving.register_keras_serializable(package="aelib")
class VariationalAutoencoder(keras.Model):
    """A VAE from an encoder returning `(z_mean, z_log_var)` and a decoder from `z`.

    Training samples `z = z_mean + exp(z_log_var / 2) * eps`; inference uses `z_mean`.

    Args:
        encoder: model from pixels to `[z_mean, z_log_var]`.
        decoder: model from `z` to pixels in [0, 1].
        beta: weight of the KL term.
        seed: seed of the sampling noise.
        loss_weighting: "corrected" (the ELBO: KL and reconstruction both per image) or
            "tutorial" (the classic tutorial's per-pixel reconstruction plus per-image KL, which
            weighs the KL term as many times too much as there are pixels).
        pixel_loss: the reconstruction term per pixel value, a key of `KERAS_LOSSES`: "bce"
            (binary cross-entropy) or "mse" (mean squared error).
    """

    def __init__(self, encoder, decoder, beta: float = 1.0, seed: int | None = None,
                 loss_weighting: str = "corrected", pixel_loss: str = "bce", **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = beta
        self.seed = seed
        self.loss_weighting = loss_weighting
        self.pixel_loss = pixel_loss
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def call(self, inputs, training=False):
        z_mean, z_log_var = self.encoder(inputs, training=training)
        z = self._sample(z_mean, z_log_var) if training else z_mean
        # The KL term depends on the encoder's outputs, which compute_loss does not see.
        self.add_loss(_kl_divergence(z_mean, z_log_var))
        return self.decoder(z, training=training)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        pixel_loss = keras.losses.get(KERAS_LOSSES[self.pixel_loss])
        reconstruction_loss = ops.mean(pixel_loss(y, y_pred))
        kl_loss = ops.sum(ops.stack(self.losses))
        num_values = math.prod(y_pred.shape[1:])  # static: known when the step is traced
        kl_weight = self.beta if self.loss_weighting == "tutorial" else self.beta / num_values
        total_loss = reconstruction_loss + kl_weight * kl_loss
        self.loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return total_loss

    def _sample(self, z_mean, z_log_var):
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def get_config(self):
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "beta": self.beta,
            "seed": self.seed,
            "loss_weighting": self.loss_weighting,
            "pixel_loss": self.pixel_loss,
        }

    @classmethod
    def from_config(cls, config):
        config["encoder"] = keras.saving.deserialize_keras_object(config["encoder"])
        config["decoder"] = keras.saving.deserialize_keras_object(config["decoder"])
        return cls(**config)


def _kl_divergence(z_mean, z_log_var):
    """Mean over the batch of KL(N(z_mean, exp(z_log_var)) || N(0, 1)), summed over dimensions."""
    per_image = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
    return ops.mean(per_image)


def build_models(hparams: dict, image_shape: tuple[int, int, int], seed: int):
    """Make (vae, mean encoder, decoder) for `vae` hyperparameters."""
    (num_values,) = input_layout("flat", image_shape)
    latent_dim = hparams["latent_dim"]
    init = Initializers(seed)
    conv = hparams.get("network", "dense") == "conv"

    inputs = keras.Input(shape=(num_values,), name="pixels")  # (batch, 784)
    h = _conv_encoder(inputs, hparams["filters"], image_shape, init) if conv else inputs
    h = keras.layers.Dense(hparams["intermediate_dim"], activation="relu",
                           kernel_initializer=init.glorot(), name="encode_hidden")(h)
    z_mean = keras.layers.Dense(latent_dim, kernel_initializer=init.glorot(), name="z_mean")(h)
    z_log_var = keras.layers.Dense(latent_dim, kernel_initializer=init.glorot(),
                                   name="z_log_var")(h)
    gaussian_encoder = keras.Model(inputs, [z_mean, z_log_var], name="gaussian_encoder")

    code_inputs = keras.Input(shape=(latent_dim,), name="z")
    if conv:
        outputs = _conv_decoder(code_inputs, hparams["filters"], image_shape, init)
    else:
        g = keras.layers.Dense(hparams["intermediate_dim"], activation="relu",
                               kernel_initializer=init.glorot(), name="decode_hidden")(code_inputs)
        outputs = keras.layers.Dense(num_values, activation="sigmoid",
                                     kernel_initializer=init.glorot(), name="pixels_out")(g)
    decoder = keras.Model(code_inputs, outputs, name="decoder")

    vae = VariationalAutoencoder(gaussian_encoder, decoder, beta=hparams["beta"],
                                 seed=init.next_seed(),
                                 loss_weighting=hparams.get("loss_weighting", "corrected"),
                                 pixel_loss=hparams.get("loss", "bce"), name="autoencoder")
    vae.build((None, num_values))
    return vae, mean_encoder(vae), decoder


def _conv_encoder(inputs, filters, image_shape, init):
    """Flat pixels -> image -> stride-2 convolutions -> flat features."""
    x = keras.layers.Reshape(input_layout("image", image_shape), name="image")(inputs)
    for i, num_filters in enumerate(filters):
        x = keras.layers.Conv2D(num_filters, 3, strides=2, padding="same", activation="relu",
                                kernel_initializer=init.glorot(), name=f"encode_conv_{i}")(x)
    return keras.layers.Reshape((-1,), name="features")(x)  # (batch, 7 * 7 * 64) on 28x28


def _conv_decoder(code_inputs, filters, image_shape, init):
    """z -> the smallest feature map -> transposed convolutions up -> crop -> flat pixels."""
    height, width = halved_sizes(image_shape[:2], len(filters))[-1]
    y = keras.layers.Dense(height * width * filters[-1], activation="relu",
                           kernel_initializer=init.glorot(), name="decode_hidden")(code_inputs)
    y = keras.layers.Reshape((height, width, filters[-1]), name="feature_map")(y)
    for level in reversed(range(len(filters))):
        y = keras.layers.Conv2DTranspose(filters[level], 3, strides=2, padding="same",
                                         activation="relu", kernel_initializer=init.glorot(),
                                         name=f"decode_conv_{level}")(y)
    crop = upsampled_crop(image_shape[:2], len(filters))
    if crop != (0, 0):
        y = keras.layers.Cropping2D(((0, crop[0]), (0, crop[1])), name="crop")(y)
    y = keras.layers.Conv2D(image_shape[2], 3, padding="same", activation="sigmoid",
                            kernel_initializer=init.glorot(), name="image_out")(y)
    return keras.layers.Reshape(input_layout("flat", image_shape), name="pixels_out")(y)


def mean_encoder(vae: VariationalAutoencoder) -> keras.Model:
    """A model from pixels to `z_mean`: the VAE's encoder as the other architectures have it."""
    encoder = vae.encoder
    return keras.Model(encoder.input, encoder.outputs[0], name="encoder")
