"""Variational autoencoder: an encoder to a Gaussian latent, reparameterised, and a decoder.

The encoder and decoder are dense layers (the tutorial's, `network="dense"`) or, with
`network="conv"`, stride-2 convolutions down to the hidden dense layer and transposed
convolutions back up, as in keras.io's VAE example. Both read an image as a flat vector (the
conv network reshapes it inside the model), so every VAE has the same inputs and outputs.

The loss is the negative ELBO with the correct log-variance KL term,
`KL = -0.5 * sum(1 + log_var - mean^2 - exp(log_var))`, weighted by `beta` (the β-VAE, Higgins
et al. 2017), with the β-VAE family's variations as hyperparameters: a KL warm-up (the weight of
the KL side rises linearly from 0 over the first `kl_warmup_epochs` epochs), capacity annealing
(Burgess et al. 2018, "Understanding disentangling in β-VAE": `capacity_gamma * |KL - C|` in
place of `beta * KL`, C rising linearly from 0 to `capacity_max` nats over `capacity_epochs`
epochs) and, with `objective="beta_tcvae"`, the β-TCVAE (Chen et al. 2018, "Isolating Sources
of Disentanglement in VAEs"): the KL split into index-code mutual information, total
correlation and dimension-wise KL, estimated by minibatch-weighted sampling, with `beta` on the
total correlation alone. The schedules read the epoch from the model's `training_state`, which
`start_epoch` sets (aelib's `train` calls it before every epoch). It is reported per
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

from aelib.architectures import KERAS_LOSSES, Tensor, input_layout
from aelib.architectures.plans import halved_sizes, upsampled_crop
from aelib.architectures.seeding import Initializers


# The β-VAE family's hyperparameters, passed to the model as they are.
SCHEDULE_PARAMS = ("objective", "kl_warmup_epochs", "capacity_gamma", "capacity_max",
                   "capacity_epochs")


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
        objective: "beta_vae" (beta times the KL) or "beta_tcvae" (index-code MI + beta times
            the total correlation + dimension-wise KL).
        kl_warmup_epochs: epochs over which the KL side's weight rises from 0 to 1; 0 for none.
        capacity_gamma: weight of `|KL - C|` (capacity annealing); 0 for none.
        capacity_max: the capacity C reached, in nats.
        capacity_epochs: epochs over which C rises from 0 to `capacity_max`.

    Its history has, besides `loss`, `reconstruction_loss` and `kl_loss` (nats per image), the
    KL of each latent dimension (`kl_dim_0`, `kl_dim_1`, ...: they sum to `kl_loss`) and, for
    the β-TCVAE, `mutual_information`, `total_correlation` and `dimension_wise_kl` (nats per
    image; they sum to a one-sample estimate of the KL).
    """

    def __init__(self, encoder, decoder, beta: float = 1.0, seed: int | None = None,
                 loss_weighting: str = "corrected", pixel_loss: str = "bce",
                 objective: str = "beta_vae", kl_warmup_epochs: int = 0,
                 capacity_gamma: float = 0.0, capacity_max: float = 25.0,
                 capacity_epochs: int = 20, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = beta
        self.seed = seed
        self.loss_weighting = loss_weighting
        self.pixel_loss = pixel_loss
        self.objective = objective
        self.kl_warmup_epochs = kl_warmup_epochs
        self.capacity_gamma = capacity_gamma
        self.capacity_max = capacity_max
        self.capacity_epochs = capacity_epochs
        self.seed_generator = keras.random.SeedGenerator(seed)
        # (epoch, training images): what the schedules and the β-TCVAE's estimator need
        # from the training loop. A seed generator's state is a variable that every backend's
        # train step reads as state, and not a weight: parameter counts, weight files and the
        # loading of a standalone script's model stay as they are.
        self.training_state = keras.random.SeedGenerator(0, name="training_state")
        latent_dim = encoder.outputs[0].shape[-1]
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")
        self.kl_dimension_trackers = [keras.metrics.Mean(name=f"kl_dim_{i}")
                                      for i in range(latent_dim)]
        self.tc_trackers = [keras.metrics.Mean(name=name) for name in TC_TERMS] \
            if objective == "beta_tcvae" else []

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return [self.loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker,
                *self.kl_dimension_trackers, *self.tc_trackers]

    def start_epoch(self, epoch: int, num_images: int) -> None:
        """Tell the model the epoch (counted from 0) that begins and how many training images
        an epoch has: the warm-up and capacity schedules and the β-TCVAE's estimator read
        them."""
        self.training_state.state.assign(ops.convert_to_tensor(
            [epoch, num_images], dtype=self.training_state.state.dtype))

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        z_mean, z_log_var = self.encoder(inputs, training=training)
        z = self._sample(z_mean, z_log_var) if training else z_mean
        # The loss terms depend on the encoder's outputs, which compute_loss does not see:
        # they travel as one vector, the KL of each dimension, then the β-TCVAE's terms.
        terms = [ops.mean(kl_per_dimension(z_mean, z_log_var), axis=0)]
        if self.objective == "beta_tcvae":
            sample = z if training else self._sample(z_mean, z_log_var)
            terms.append(tc_decomposition(sample, z_mean, z_log_var, self._num_images()))
        self.add_loss(ops.concatenate(terms))
        return self.decoder(z, training=training)

    def compute_loss(self, x: Tensor | None = None, y: Tensor | None = None,
                     y_pred: Tensor | None = None, sample_weight: Tensor | None = None,
                     training: bool = True) -> Tensor:
        pixel_loss = keras.losses.get(KERAS_LOSSES[self.pixel_loss])
        reconstruction_loss = ops.mean(pixel_loss(y, y_pred))
        terms = self.losses[0]
        kl_dimensions = terms[:len(self.kl_dimension_trackers)]
        kl_loss = ops.sum(kl_dimensions)
        num_values = math.prod(y_pred.shape[1:])  # static: known when the step is traced
        scale = 1.0 if self.loss_weighting == "tutorial" else 1.0 / num_values
        total_loss = reconstruction_loss + scale * self._regulariser(kl_loss, terms)
        self.loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        for index, tracker in enumerate(self.kl_dimension_trackers):
            tracker.update_state(kl_dimensions[index])
        for index, tracker in enumerate(self.tc_trackers):
            tracker.update_state(terms[len(self.kl_dimension_trackers) + index])
        return total_loss

    def _regulariser(self, kl_loss, terms):
        """The KL side of the loss in nats per image, with its schedules at this epoch."""
        epoch = ops.cast(self.training_state.state[0], "float32")
        if self.objective == "beta_tcvae":
            mutual_information, total_correlation, dimension_wise_kl = (
                terms[len(self.kl_dimension_trackers) + index] for index in range(3))
            side = mutual_information + self.beta * total_correlation + dimension_wise_kl
        elif self.capacity_gamma > 0:
            capacity = self.capacity_max * ops.minimum(1.0, epoch / self.capacity_epochs)
            side = self.capacity_gamma * ops.abs(kl_loss - capacity)
        else:
            side = self.beta * kl_loss
        if self.kl_warmup_epochs > 0:
            side = side * ops.minimum(1.0, epoch / self.kl_warmup_epochs)
        return side

    def _num_images(self):
        return ops.maximum(ops.cast(self.training_state.state[1], "float32"), 1.0)

    def _sample(self, z_mean, z_log_var):
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "beta": self.beta,
            "seed": self.seed,
            "loss_weighting": self.loss_weighting,
            "pixel_loss": self.pixel_loss,
            "objective": self.objective,
            "kl_warmup_epochs": self.kl_warmup_epochs,
            "capacity_gamma": self.capacity_gamma,
            "capacity_max": self.capacity_max,
            "capacity_epochs": self.capacity_epochs,
        }

    @classmethod
    def from_config(cls, config: dict) -> VariationalAutoencoder:
        config["encoder"] = keras.saving.deserialize_keras_object(config["encoder"])
        config["decoder"] = keras.saving.deserialize_keras_object(config["decoder"])
        return cls(**config)


TC_TERMS = ("mutual_information", "total_correlation", "dimension_wise_kl")
_LOG_2PI = math.log(2 * math.pi)


def kl_per_dimension(z_mean: Tensor, z_log_var: Tensor) -> Tensor:
    """KL(N(z_mean, exp(z_log_var)) || N(0, 1)) of each image and dimension: (batch, latent)."""
    return -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))


def _log_normal(z, mean, log_var):
    return -0.5 * (_LOG_2PI + log_var + ops.square(z - mean) * ops.exp(-log_var))


def tc_decomposition(z: Tensor, z_mean: Tensor, z_log_var: Tensor, num_images: Tensor
                     ) -> Tensor:
    """The β-TCVAE's split of the KL, by minibatch-weighted sampling (Chen et al. 2018, eq. S6).

    With z_i a sample of q(z|x_i), B the batch and N the training images,
    log q(z_i) ~ logsumexp_j log q(z_i|x_j) - log(B N), and the same per dimension for each
    marginal log q(z_ik). Then, as means over the batch:
    index-code MI = log q(z|x) - log q(z), total correlation = log q(z) - sum_k log q(z_k),
    dimension-wise KL = sum_k log q(z_k) - log p(z). They sum to log q(z|x) - log p(z), a
    one-sample estimate of the KL.

    Returns:
        A (3,) tensor: (mutual information, total correlation, dimension-wise KL), nats per image.
    """
    batch = ops.cast(ops.shape(z)[0], "float32")
    log_batch_images = ops.log(batch * num_images)
    pairwise = _log_normal(z[:, None, :], z_mean[None, :, :], z_log_var[None, :, :])  # (B, B, d)
    log_qz = ops.logsumexp(ops.sum(pairwise, axis=2), axis=1) - log_batch_images
    log_qz_marginals = ops.sum(ops.logsumexp(pairwise, axis=1) - log_batch_images, axis=1)
    log_qz_given_x = ops.sum(_log_normal(z, z_mean, z_log_var), axis=1)
    log_pz = ops.sum(_log_normal(z, ops.zeros_like(z), ops.zeros_like(z)), axis=1)
    return ops.stack([ops.mean(log_qz_given_x - log_qz), ops.mean(log_qz - log_qz_marginals),
                      ops.mean(log_qz_marginals - log_pz)])


def build_models(hparams: dict, image_shape: tuple[int, int, int], seed: int
                 ) -> tuple[keras.Model, keras.Model, keras.Model]:
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

    objective = hparams.get("objective", "beta_vae")
    if objective == "beta_tcvae" and hparams.get("capacity_gamma", 0.0) > 0:
        raise ValueError("Capacity annealing (capacity_gamma > 0) controls the whole KL of a "
                         "β-VAE; the β-TCVAE weighs its terms itself. Set capacity_gamma=0 or "
                         "objective='beta_vae'.")
    vae = VariationalAutoencoder(gaussian_encoder, decoder, beta=hparams["beta"],
                                 seed=init.next_seed(),
                                 loss_weighting=hparams.get("loss_weighting", "corrected"),
                                 pixel_loss=hparams.get("loss", "bce"),
                                 **{name: hparams[name] for name in SCHEDULE_PARAMS
                                    if name in hparams},
                                 name="autoencoder")
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
