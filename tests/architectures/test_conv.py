"""The convolutional family: the tutorial's decoder sizes, and any image size."""

import numpy as np

import aelib


def test_conv_decoder_reproduces_the_tutorial_sizes():
    shapes = [row.output_shape for row in aelib.build("conv").summary().layers
              if row.model == "decoder"]
    assert shapes == ["(None, 4, 4, 8)", "(None, 8, 8, 8)", "(None, 8, 8, 8)",
                      "(None, 16, 16, 8)", "(None, 14, 14, 16)", "(None, 28, 28, 16)",
                      "(None, 28, 28, 1)"]



def test_conv_handles_other_image_sizes():
    ae = aelib.build("conv", image_shape=(32, 20))
    images = np.random.default_rng(0).random((2, 32, 20), dtype=np.float32)
    assert ae.reconstruct(images).shape == (2, 32, 20, 1)
