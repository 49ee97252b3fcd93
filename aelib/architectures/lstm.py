"""LSTM sequence-to-sequence autoencoder: an image read as a sequence of pixel rows.

The encoder LSTM reads the rows (28 for MNIST; a row of a colour image is its width x 3 values)
and keeps its last output as the code; RepeatVector feeds that code to every step of the
decoder LSTM, and a dense sigmoid layer maps each step to a row of pixels in [0, 1]. (The
tutorial's decoder was an LSTM emitting tanh values in [-1, 1], and its example was never
trained.)
"""

from __future__ import annotations

import keras

from aelib.architectures import input_layout
from aelib.architectures.seeding import Initializers


def build_models(hparams: dict, image_shape: tuple[int, int, int], seed: int
                 ) -> tuple[keras.Model, keras.Model, keras.Model]:
    """Make (autoencoder, encoder, decoder) for `lstm` hyperparameters."""
    timesteps, row_size = input_layout("sequence", image_shape)
    init = Initializers(seed)

    inputs = keras.Input(shape=(timesteps, row_size), name="rows")  # (batch, 28, 28)
    code = keras.layers.LSTM(
        hparams["latent_dim"], kernel_initializer=init.glorot(),
        recurrent_initializer=init.orthogonal(), name="encode_lstm",
    )(inputs)  # (batch, latent_dim)
    encoder = keras.Model(inputs, code, name="encoder")

    code_inputs = keras.Input(shape=(hparams["latent_dim"],), name="code_in")
    y = keras.layers.RepeatVector(timesteps, name="repeat")(code_inputs)  # (batch, 28, latent)
    y = keras.layers.LSTM(
        hparams["decoder_units"], return_sequences=True, kernel_initializer=init.glorot(),
        recurrent_initializer=init.orthogonal(), name="decode_lstm",
    )(y)  # (batch, 28, decoder_units)
    outputs = keras.layers.Dense(row_size, activation="sigmoid", kernel_initializer=init.glorot(),
                                 name="rows_out")(y)  # (batch, 28, 28)
    decoder = keras.Model(code_inputs, outputs, name="decoder")

    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    return autoencoder, encoder, decoder
