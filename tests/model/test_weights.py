"""`aelib.model.weights`: a weights file is checked from its headers, and read in its layers'
order with the names Keras gives them."""

import io

import h5py
import numpy as np
import pytest
from keras.src.utils.naming import to_snake_case

from aelib.model.files import ALLOWED_CLASSES
from aelib.model.weights import _snake_case, check_weights, ordered_weights


@pytest.mark.parametrize("class_name", sorted(ALLOWED_CLASSES))
def test_layer_names_are_the_ones_keras_writes(class_name):
    assert _snake_case(class_name) == to_snake_case(class_name)


def flat_file():
    """The weights of a flat model Input -> Dense(3) -> Conv2D -> Dense(2), as Keras names
    them: per class, in the order of the layers."""
    buffer = io.BytesIO()
    out = h5py.File(buffer, "w")
    out["layers/dense/vars/0"], out["layers/dense/vars/1"] = np.ones((4, 3)), np.ones(3)
    out["layers/conv2d/vars/0"], out["layers/conv2d/vars/1"] = np.zeros((1, 1, 3, 1)), [5.0]
    out["layers/dense_1/vars/0"], out["layers/dense_1/vars/1"] = np.full((1, 2), 2.0), [7.0, 8.0]
    return out


CONFIG = {"class_name": "Functional", "config": {"layers": [
    {"class_name": "InputLayer"}, {"class_name": "Dense"}, {"class_name": "Conv2D"},
    {"class_name": "Dense"}]}}
SHAPES = [(4, 3), (3,), (1, 1, 3, 1), (1,), (1, 2), (2,)]


def test_a_flat_models_weights_come_in_its_layers_order():
    with flat_file() as weights:
        values = ordered_weights(weights, CONFIG, SHAPES, "a test model")
    assert [value.shape for value in values] == SHAPES
    assert values[3].tolist() == [5.0] and values[5].tolist() == [7.0, 8.0]


def test_weights_of_other_shapes_or_another_layout_are_refused():
    with flat_file() as weights:
        with pytest.raises(ValueError, match="do not match a test model"):
            ordered_weights(weights, CONFIG, SHAPES[::-1], "a test model")
        with pytest.raises(ValueError, match="do not match a test model"):
            ordered_weights(weights, {"config": {}}, SHAPES, "a test model")


def test_the_declared_values_may_not_exceed_what_the_model_and_its_optimizer_hold():
    with flat_file() as weights:  # 24 values
        check_weights(weights, reference_parameters=8)  # 3 x 8 + 1024: within
        weights["layers/dense/vars/2"] = np.zeros(2000)
        with pytest.raises(ValueError, match="declare more than 1,048 values"):
            check_weights(weights, reference_parameters=8)
