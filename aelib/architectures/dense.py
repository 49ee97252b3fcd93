"""Dense autoencoders: single layer, sparse (L1 on the code) and deep, from one builder.

The three differ only in their data: `dense` is one layer of `encoding_dim` units, `sparse` adds
an L1 activity penalty on that layer, `deep` stacks `hidden_units`. The decoder mirrors the
encoder and ends in a sigmoid over all the image's values (height x width x channels).
"""

from __future__ import annotations

import keras

from aelib.architectures import input_layout
from aelib.architectures.seeding import Initializers


def build_models(hparams: dict, image_shape: tuple[int, int, int], seed: int
                 ) -> tuple[keras.Model, keras.Model, keras.Model]:
    """Make (autoencoder, encoder, decoder) for `dense`, `sparse` or `deep` hyperparameters."""
    hidden_units = hparams.get("hidden_units") or (hparams["encoding_dim"],)
    l1 = hparams.get("l1", 0.0)
    (num_values,) = input_layout("flat", image_shape)
    init = Initializers(seed)

    inputs = keras.Input(shape=(num_values,), name="pixels")  # (batch, 784)
    x = inputs
    for i, units in enumerate(hidden_units[:-1]):
        x = keras.layers.Dense(units, activation="relu", kernel_initializer=init.glorot(),
                               name=f"encode_{i}")(x)
    code = keras.layers.Dense(
        hidden_units[-1], activation="relu", kernel_initializer=init.glorot(),
        activity_regularizer=keras.regularizers.L1(l1) if l1 > 0 else None, name="code",
    )(x)  # (batch, code_size)
    encoder = keras.Model(inputs, code, name="encoder")

    code_inputs = keras.Input(shape=(hidden_units[-1],), name="code_in")
    y = code_inputs
    for i, units in enumerate(reversed(hidden_units[:-1])):
        y = keras.layers.Dense(units, activation="relu", kernel_initializer=init.glorot(),
                               name=f"decode_{i}")(y)
    outputs = keras.layers.Dense(num_values, activation="sigmoid",
                                 kernel_initializer=init.glorot(), name="pixels_out")(y)
    decoder = keras.Model(code_inputs, outputs, name="decoder")

    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    return autoencoder, encoder, decoder
