"""Seeded initializers: a model's starting weights depend on its seed alone."""

import numpy as np

from aelib.architectures.seeding import Initializers


def draw(seed):
    init = Initializers(seed)
    return [np.asarray(init.glorot()((4, 3))), np.asarray(init.orthogonal()((3, 3))),
            init.next_seed()]


def test_the_same_seed_gives_the_same_weights_and_another_seed_others():
    first, again, other = draw(0), draw(0), draw(1)
    for a, b in zip(first[:2], again[:2]):
        np.testing.assert_array_equal(a, b)
    assert first[2] == again[2] != other[2]
    assert not np.allclose(first[0], other[0])


def test_each_weight_gets_its_own_seed():
    init = Initializers(0)
    assert not np.allclose(np.asarray(init.glorot()((4, 4))), np.asarray(init.glorot()((4, 4))))
