"""Gaussian corruption of images, as the tutorial's denoising example does it."""

from __future__ import annotations

import numpy as np


def add_noise(images: np.ndarray, noise_factor: float, seed: int = 0) -> np.ndarray:
    """`images` plus Gaussian noise of standard deviation `noise_factor`, clipped to [0, 1].

    Raises:
        ValueError: a negative `noise_factor`.
    """
    if noise_factor < 0:
        raise ValueError(f"noise_factor must be 0 or more; got {noise_factor}.")
    images = np.asarray(images, dtype=np.float32)
    noise = np.random.default_rng(seed).standard_normal(images.shape, dtype=np.float32)
    return np.clip(images + noise_factor * noise, 0.0, 1.0)
