import numpy as np
import pytest

import aelib
from aelib.architectures.conv import NoisyInput


def test_add_noise_is_seeded_clipped_and_scaled():
    images = np.full((100, 28, 28), 0.5, np.float32)
    noisy = aelib.add_noise(images, 0.1, seed=1)
    np.testing.assert_array_equal(noisy, aelib.add_noise(images, 0.1, seed=1))
    assert 0 <= noisy.min() and noisy.max() <= 1
    assert np.std(noisy - images) == pytest.approx(0.1, rel=0.05)
    np.testing.assert_array_equal(aelib.add_noise(images, 0.0), images)
    with pytest.raises(ValueError, match="noise_factor must be 0 or more"):
        aelib.add_noise(images, -0.1)


def test_noisy_input_layer_corrupts_while_training_only():
    layer = NoisyInput(0.5, seed=0)
    x = np.full((4, 28, 28, 1), 0.5, np.float32)
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)
    first, second = np.asarray(layer(x, training=True)), np.asarray(layer(x, training=True))
    assert not np.allclose(first, x) and not np.allclose(first, second)  # fresh noise
    assert first.min() >= 0 and first.max() <= 1


def test_denoising_model_has_the_noise_layer_and_the_plain_conv_does_not():
    names = [layer.name for layer in aelib.build("denoising").autoencoder.layers]
    assert "noise" in names
    assert "noise" not in [layer.name for layer in aelib.build("conv").autoencoder.layers]
