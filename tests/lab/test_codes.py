"""The Codes page's choices: what the map can be coloured by, and which models have units."""

import aelib
from lab.codes import colour_choices, is_dense_family


def test_the_shapes_colour_by_label_then_each_factor_and_unlabelled_data_by_nothing(bundled):
    shapes = aelib.load_dataset("shapes")
    choices = colour_choices(shapes)
    assert list(choices) == ["label", *shapes.factors_test.dtype.names, "nothing"]
    values, _ = choices["colour"]
    assert len(values) == len(shapes.x_test)
    unlabelled = aelib.Dataset.from_arrays(bundled.x_train[:50])
    assert list(colour_choices(unlabelled)) == ["nothing"]


def test_units_mean_something_in_the_dense_family_only():
    family = {name for name in aelib.ARCHITECTURES if is_dense_family(aelib.build(name))}
    assert family == {"dense", "sparse", "topk", "deep"}
