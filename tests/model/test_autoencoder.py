import numpy as np
import pytest

import aelib


@pytest.mark.parametrize("name", aelib.ARCHITECTURES)
def test_numpy_in_numpy_out_for_every_architecture(name):
    ae = aelib.build(name)
    images = np.random.default_rng(0).random((3, 28, 28), dtype=np.float32)
    codes = ae.encode(images)
    assert codes.shape == (3, *ae.code_shape)
    decoded = ae.decode(codes)
    assert decoded.shape == (3, 28, 28, 1)
    assert decoded.min() >= 0.0 and decoded.max() <= 1.0
    np.testing.assert_allclose(ae.reconstruct(images), decoded, atol=1e-6)
    np.testing.assert_allclose(ae.decode(codes.reshape(3, -1)), decoded, atol=1e-6)


def test_reconstruct_matches_the_keras_autoencoder():
    ae = aelib.build("conv")
    images = np.random.default_rng(0).random((4, 28, 28), dtype=np.float32)
    direct = ae.autoencoder.predict(ae.to_model_input(images), verbose=0)
    np.testing.assert_allclose(ae.reconstruct(images), direct.reshape(4, 28, 28, 1), atol=1e-5)


@pytest.mark.parametrize("shape", [(3, 784), (3, 28, 28, 1), (3, 28, 28)])
def test_accepts_flat_channel_and_plain_images(shape):
    ae = aelib.build("dense")
    assert ae.reconstruct(np.zeros(shape, np.float32)).shape == (3, 28, 28, 1)


def test_wrong_image_size_says_what_was_expected():
    with pytest.raises(ValueError, match=r"Expected images shaped \(n, 28, 28, 1\); got an "
                                         r"array shaped \(2, 32, 32\)"):
        aelib.build("dense").encode(np.zeros((2, 32, 32)))
    with pytest.raises(ValueError, match=r"Expected images shaped \(n, 32, 32, 3\)"):
        aelib.build("conv", image_shape=(32, 32, 3)).encode(np.zeros((2, 32, 32)))


def test_wrong_code_size_says_what_was_expected():
    with pytest.raises(ValueError, match=r"Expected codes shaped \(n, 4, 4, 8\) or \(n, 128\)"):
        aelib.build("conv").decode(np.zeros((2, 100)))
