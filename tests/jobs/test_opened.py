"""OpenedModel: a trained model opened to explore, always on data of its own shape."""

import pytest

import aelib
from aelib.jobs.opened import OpenedModel


def test_an_opened_model_describes_where_it_came_from_and_how_long_it_trained(small_data):
    ae = aelib.build("dense", image_shape=small_data.image_shape, encoding_dim=4)
    model = OpenedModel(ae, small_data, "run 8", {"loss": [0.3, 0.2]}, run_id=8)
    assert model.describe() == "run 8: trained 2 epochs"
    assert model.opened and not model.in_progress and model.analysis.result() == {}
    assert OpenedModel(ae, small_data, "the file 'a.keras'").describe() == (
        "the file 'a.keras': training history unknown")


def test_a_model_of_another_image_shape_than_the_data_is_refused_with_datasets_that_fit(
        small_data):
    colour = aelib.build("dense", image_shape=(32, 32, 3), encoding_dim=4)
    with pytest.raises(ValueError, match=r"^The file 'c.keras' holds a model of 32x32 colour "
                       r"images, but the dataset in use .* holds 28x28 grey images\. Choose a "
                       r"dataset of 32x32 colour images on Home \(Coloured shapes, 32x32"):
        OpenedModel(colour, small_data, "the file 'c.keras'")
