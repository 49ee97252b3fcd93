"""PSNR and SSIM of reconstructions, against scikit-image called image by image."""

import numpy as np
import pytest
from skimage.metrics import structural_similarity

from aelib.explore.quality import image_quality, mean_ssim, psnr, reconstruction_errors

RNG = np.random.default_rng(0)
COLOUR = RNG.random((6, 16, 12, 3))
NOISY = np.clip(COLOUR + RNG.normal(0, 0.1, COLOUR.shape), 0, 1)


def test_psnr_of_a_known_error():
    images = np.full((2, 8, 8, 1), 0.5)
    assert psnr(images, images + 0.1) == pytest.approx([20.0, 20.0])  # 10 log10(1 / 0.01)


def test_mean_ssim_is_the_mean_of_each_image_s_ssim():
    each = [structural_similarity(a, b, channel_axis=-1, data_range=1.0, gaussian_weights=True,
                                  sigma=1.5, use_sample_covariance=False)
            for a, b in zip(COLOUR, NOISY, strict=True)]
    assert mean_ssim(COLOUR, NOISY) == pytest.approx(np.mean(each), rel=1e-9)
    assert mean_ssim(COLOUR, COLOUR) == pytest.approx(1.0)
    grey = COLOUR[..., 0]  # (n, h, w) reads as one channel
    assert mean_ssim(grey, grey) == pytest.approx(1.0)


def test_image_quality_reports_both_on_the_first_images():
    quality = image_quality(COLOUR, NOISY, max_images=2)
    assert quality["psnr"] == pytest.approx(psnr(COLOUR[:2], NOISY[:2]).mean())
    assert quality["ssim"] == pytest.approx(mean_ssim(COLOUR[:2], NOISY[:2]))
    assert 0 < quality["ssim"] < 1 and 15 < quality["psnr"] < 30
    with pytest.raises(ValueError, match="same, non-empty shape"):
        image_quality(COLOUR, NOISY[:, :8])
    with pytest.raises(ValueError, match="at least 7x7"):
        image_quality(COLOUR[:, :5, :5], NOISY[:, :5, :5])


def test_reconstruction_errors_per_image():
    images = np.full((2, 8, 8, 3), 0.5)
    np.testing.assert_allclose(reconstruction_errors(images, images + 0.1, "mse"), [0.01, 0.01])
    np.testing.assert_allclose(reconstruction_errors(images, images, "bce"), [np.log(2)] * 2)
    with pytest.raises(ValueError, match="metric must be 'bce' or 'mse'"):
        reconstruction_errors(images, images, "mae")
