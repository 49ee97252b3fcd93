"""TopK sparse autoencoder: exactly `k` code units active per image, and AuxK for dead units.

The recipe of OpenAI's "Scaling and evaluating sparse autoencoders" (Gao et al., 2024) on the
k-sparse autoencoder of Makhzani and Frey (2013): the encoder's dense layer scores every unit,
and the code keeps the `k` highest scores of each image as they are, every other unit at zero.
Sparsity is then a setting, not a penalty to tune (the L1 model's `l1`). The scores are kept
without OpenAI's ReLU after the top-k, so that exactly `k` values are non-zero even when a kept
score is negative. The decoder is the dense model's (a sigmoid over the image's values), so that
TopK and L1 compare on the same network.

A unit that never makes anyone's top `k` gets no gradient and stays dead. AuxK gives those units
one: each training batch, the units in no image's top `k` (dead in this batch; OpenAI counts
over millions of tokens, a batch is this lab's short window) reconstruct the main model's
residual `x - x_hat` with their top `AUX_K_FACTOR * k` scores through the decoder's kernel, and
that mean squared error, weighted `AUX_WEIGHT` (the paper's 1/32), is added to the compiled
reconstruction loss (`add_loss`). It is added only in training: validation loss is the
reconstruction loss alone, as for the dense models. Written with `keras.ops` only, so it trains
on every Keras backend and saves as `.keras`.
"""

from __future__ import annotations

import keras
from keras import ops

from aelib.architectures import Tensor, input_layout
from aelib.architectures.seeding import Initializers

AUX_WEIGHT = 1 / 32  # OpenAI's alpha
AUX_K_FACTOR = 2  # dead units that reconstruct the residual, per k


def check_k(hparams: dict) -> None:
    """Refuse a `k` above the code size.

    Raises:
        ValueError: `k` more than `encoding_dim`.
    """
    if hparams["k"] > hparams["encoding_dim"]:
        raise ValueError(f"k={hparams['k']} is more than encoding_dim="
                         f"{hparams['encoding_dim']}: a code cannot have more active units than "
                         "it has units. Lower k or raise encoding_dim.")


def _top_k_mask(scores, k: int):
    """1 for each row's `k` highest scores, 0 elsewhere: exactly `k` ones per row, ties or
    not."""
    _, indices = ops.top_k(scores, k)  # (batch, k)
    return ops.sum(ops.one_hot(indices, ops.shape(scores)[-1], dtype=scores.dtype), axis=1)


@keras.saving.register_keras_serializable(package="aelib")
class TopK(keras.layers.Layer):
    """Keeps each row's `k` highest values and sets the rest to zero.

    Args:
        k: values kept per row.
    """

    def __init__(self, k: int, **kwargs):
        super().__init__(**kwargs)
        self.k = k

    def call(self, scores: Tensor) -> Tensor:
        return scores * _top_k_mask(scores, self.k)

    def get_config(self) -> dict:
        return {**super().get_config(), "k": self.k}


@keras.saving.register_keras_serializable(package="aelib")
class TopKAutoencoder(keras.Model):
    """Encoder (pixels to `[code, scores]`) and decoder, with AuxK added to the compiled loss
    while training.

    Args:
        encoder: model from pixels to `[code, scores]`: the TopK code and the unit scores it
            kept `k` of.
        decoder: model from code to pixels in [0, 1], ending in the dense layer "pixels_out",
            whose kernel AuxK reconstructs the residual with.
        k: active units per code.
    """

    def __init__(self, encoder, decoder, k: int, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.k = k

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        code, scores = self.encoder(inputs, training=training)
        outputs = self.decoder(code, training=training)
        if training:  # Keras adds it to the compiled (reconstruction) loss
            self.add_loss(AUX_WEIGHT * self._auxk_loss(inputs, code, scores, outputs))
        return outputs

    def _auxk_loss(self, inputs, code, scores, outputs):
        """Mean squared error of the dead units' reconstruction of the residual."""
        units = scores.shape[-1]
        dead = ops.cast(ops.max(ops.abs(code), axis=0) == 0, scores.dtype)  # (units,)
        # Alive units' scores drop below every dead one's, then only dead ones are kept.
        chosen = _top_k_mask(scores - (1 - dead) * 1e9, min(AUX_K_FACTOR * self.k, units)) * dead
        residual = ops.stop_gradient(inputs - outputs)
        kernel = self.decoder.get_layer("pixels_out").kernel  # (units, pixels)
        return ops.mean(ops.square(residual - ops.matmul(chosen * scores, kernel)))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "k": self.k,
        }

    @classmethod
    def from_config(cls, config: dict) -> TopKAutoencoder:
        config["encoder"] = keras.saving.deserialize_keras_object(config["encoder"])
        config["decoder"] = keras.saving.deserialize_keras_object(config["decoder"])
        return cls(**config)


def build_models(hparams: dict, image_shape: tuple[int, int, int], seed: int
                 ) -> tuple[keras.Model, keras.Model, keras.Model]:
    """Make (autoencoder, encoder, decoder) for `topk` hyperparameters.

    Raises:
        ValueError: `k` more than `encoding_dim`.
    """
    check_k(hparams)
    units, k = hparams["encoding_dim"], hparams["k"]
    (num_values,) = input_layout("flat", image_shape)
    init = Initializers(seed)

    inputs = keras.Input(shape=(num_values,), name="pixels")  # (batch, 784)
    scores = keras.layers.Dense(units, kernel_initializer=init.glorot(),
                                name="scores")(inputs)  # (batch, units)
    code = TopK(k, name="code")(scores)  # (batch, units), k of them non-zero
    scoring_encoder = keras.Model(inputs, [code, scores], name="topk_encoder")

    code_inputs = keras.Input(shape=(units,), name="code_in")
    outputs = keras.layers.Dense(num_values, activation="sigmoid",
                                 kernel_initializer=init.glorot(), name="pixels_out")(code_inputs)
    decoder = keras.Model(code_inputs, outputs, name="decoder")

    autoencoder = TopKAutoencoder(scoring_encoder, decoder, k=k, name="autoencoder")
    autoencoder.build((None, num_values))
    encoder = keras.Model(scoring_encoder.input, scoring_encoder.outputs[0], name="encoder")
    return autoencoder, encoder, decoder
