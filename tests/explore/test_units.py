"""`aelib.explore.units`: a unit's top images, its atom, its selectivity, the dead units."""

import numpy as np
import pytest

import aelib
from aelib.data.shapes import FACTORS, SHAPES
from aelib.explore.units import dead_units, unit_atom, unit_selectivity, unit_top_images


def test_a_unit_s_top_9_are_its_9_highest_activations():
    rng = np.random.default_rng(0)
    codes = rng.random((100, 6)).astype(np.float32)
    top = aelib.analysis.unit_top_images(codes, 4)
    assert len(top) == 9
    assert set(top.tolist()) == set(np.argsort(codes[:, 4])[-9:].tolist())
    assert (np.diff(codes[top, 4]) <= 0).all()  # highest first
    assert codes[top, 4].min() >= np.sort(codes[:, 4])[-9]
    assert unit_top_images(codes[:3], 0).tolist() == np.argsort(-codes[:3, 0]).tolist()


def test_a_conv_code_s_units_are_its_flattened_positions():
    codes = np.zeros((5, 2, 2, 3), np.float32)
    codes[3, 1, 0, 2] = 1.0  # flattened position 1 * 6 + 0 * 3 + 2 = 8
    assert unit_top_images(codes, 8, k=1).tolist() == [3]


@pytest.mark.parametrize("unit", [-1, 6, 2.0])
def test_a_unit_the_code_lacks_is_refused(unit):
    with pytest.raises(ValueError, match="unit must be a whole number from 0 to 5"):
        unit_top_images(np.zeros((4, 6)), unit)


def test_dead_units_never_pass_the_threshold_either_way():
    codes = np.array([[0.0, 2.0, 0.0, -0.5], [0.0, 0.0, 1e-4, 0.0]], np.float32)
    assert dead_units(codes).tolist() == [0, 2]


def test_a_unit_s_atom_decodes_a_code_of_that_unit_alone():
    ae = aelib.build("dense", encoding_dim=4, seed=0)
    codes = np.array([[0.0, 3.0, 0.0, 0.0], [0.0, 1.0, 5.0, 0.0]], np.float32)
    atom = unit_atom(ae, codes, 1)
    np.testing.assert_allclose(atom, ae.decode(np.array([[0.0, 3.0, 0.0, 0.0]])))
    dead_atom = unit_atom(ae, codes, 0)  # never positive: the unit at 1
    np.testing.assert_allclose(dead_atom, ae.decode(np.array([[1.0, 0.0, 0.0, 0.0]])))


def test_selectivity_finds_the_factor_a_unit_follows():
    rng = np.random.default_rng(0)
    factors = np.zeros(400, FACTORS)
    factors["shape"] = rng.integers(0, 4, 400)
    factors["colour"] = rng.integers(0, 6, 400)
    factors["size"] = rng.uniform(0.1, 0.3, 400)
    factors["x"] = rng.uniform(0, 1, 400)
    factors["y"] = rng.uniform(0, 1, 400)
    codes = np.stack([factors["size"] * 10, (factors["shape"] == 1) * 1.0], axis=1)
    by_factor = {s.factor: s for s in unit_selectivity(codes, 1, factors,
                                                       names={"shape": SHAPES})}
    assert by_factor["shape"].values == SHAPES
    np.testing.assert_allclose(by_factor["shape"].means, [0, 1, 0, 0])
    assert by_factor["shape"].spread == max(s.spread for s in by_factor.values())
    size = {s.factor: s for s in unit_selectivity(codes, 0, factors)}
    assert size["size"].spread > 2 * max(size[f].spread for f in ("shape", "colour", "x", "y"))
    assert (np.diff(size["size"].means) > 0).all()
