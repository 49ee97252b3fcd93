"""The FactorVAE and β-VAE scores on coloured shapes: chance for a code that ignores the images,
high for one that reads the factors off them."""

import numpy as np
import pytest

import aelib
from aelib.data import shapes
from aelib.data.datasets import load_shapes

SMALL = {"num_train": 150, "num_eval": 100, "batch_size": 32}


@pytest.fixture(scope="module")
def data():
    return load_shapes("shapes").subset(100, 50)


def random_code(seed=0):
    rng = np.random.default_rng(seed)
    return lambda images: rng.normal(size=(len(images), 10))


def measured_factors(images):
    """A hand-made disentangled code: the shape's centre, its extent and its colour."""
    weight = images.max(axis=-1)  # (n, side, side)
    total = weight.sum(axis=(1, 2)) + 1e-6
    grid = (np.arange(images.shape[1]) + 0.5) / images.shape[1]
    x = (weight.sum(axis=1) * grid).sum(axis=1) / total
    y = (weight.sum(axis=2) * grid).sum(axis=1) / total
    colour = images.sum(axis=(1, 2)) / total[:, None]
    return np.column_stack([x, y, np.sqrt(total), colour])


def test_factor_vae_score_of_a_random_code_is_near_one_over_the_factors(data):
    score = aelib.disentanglement.factor_vae_score(random_code(), data, **SMALL)
    assert score == pytest.approx(1 / len(shapes.FACTORS.names), abs=0.1)


def test_scores_of_a_code_that_measures_the_factors_are_high(data):
    assert aelib.disentanglement.factor_vae_score(measured_factors, data, **SMALL) > 0.6
    assert aelib.disentanglement.beta_vae_score(measured_factors, data, **SMALL) > 0.8


def test_beta_vae_score_of_a_random_code_is_near_chance(data):
    score = aelib.disentanglement.beta_vae_score(random_code(), data, **SMALL)
    assert score < 0.4


def test_a_dataset_without_shapes_factors_is_refused():
    digits = aelib.load_dataset("bundled").subset(20, 10)
    with pytest.raises(ValueError, match="no shapes factors"):
        aelib.disentanglement.factor_vae_score(random_code(), digits, **SMALL)


def test_fixing_a_factor_keeps_its_value_and_every_shape_inside_its_image():
    pool = shapes.random_factors(2000, seed=0)
    rng = np.random.default_rng(0)
    for factor, value in (("size", 0.3), ("x", 0.2), ("colour", 2)):
        records = shapes.with_fixed_factor(pool, factor, np.full(50, value), rng)
        assert np.allclose(records[factor], value)
        margin = records["size"] + shapes.MARGIN - 1e-6
        assert np.all((margin <= records["x"]) & (records["x"] <= 1 - margin))
        assert np.all((margin <= records["y"]) & (records["y"] <= 1 - margin))
        assert len(np.unique(records["shape"])) > 1  # the others still vary
