"""The LSTM: an image read as a sequence of its pixel rows, any image shape."""

import numpy as np

import aelib


def test_a_colour_image_is_read_as_its_rows_of_width_times_channels_values():
    ae = aelib.build("lstm", image_shape=(32, 20, 3), latent_dim=8, decoder_units=16)
    assert ae.encoder.input_shape == (None, 32, 60) and ae.code_shape == (8,)
    images = np.random.default_rng(0).random((2, 32, 20, 3), dtype=np.float32)
    assert ae.reconstruct(images).shape == (2, 32, 20, 3)
