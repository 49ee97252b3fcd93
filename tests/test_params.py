import pytest

from aelib.params import ParamSpec, resolve

UNITS = ParamSpec("units", 32, "help", low=1, high=512)
RATE = ParamSpec("rate", 1e-4, "help", kind="float", low=0.0, high=0.1)
HIDDEN = ParamSpec("hidden", (128, 64), "help", kind="int_list", low=1, high=1024, max_length=3)
CHOICE = ParamSpec("opt", "adam", "help", kind="choice", choices=("adam", "sgd"))


def test_resolve_fills_defaults_and_converts_types():
    assert resolve([UNITS, RATE, HIDDEN, CHOICE], {"units": 16.0, "hidden": [8, 4]}, "x") == {
        "units": 16, "rate": 1e-4, "hidden": (8, 4), "opt": "adam",
    }
    assert isinstance(resolve([UNITS], {"units": 16.0}, "x")["units"], int)


@pytest.mark.parametrize("spec, value", [
    (UNITS, 0), (UNITS, 513), (UNITS, 2.5), (UNITS, "32"), (UNITS, True), (UNITS, float("nan")),
    (RATE, -1e-9), (RATE, float("inf")), (HIDDEN, []), (HIDDEN, [1, 2, 3, 4]), (HIDDEN, [0]),
    (HIDDEN, "128"), (HIDDEN, [1.5]), (CHOICE, "adamw"),
])
def test_out_of_range_values_name_the_parameter_and_the_range(spec, value):
    with pytest.raises(ValueError, match=rf"{spec.name}=.* is not allowed: expected"):
        spec.validate(value)


def test_unknown_parameter_lists_the_known_ones():
    with pytest.raises(ValueError, match="Model 'x' has no parameter colour; its parameters "
                                         "are: units, rate"):
        resolve([UNITS, RATE], {"colour": 1}, "Model 'x'")


def test_allowed_describes_the_range():
    assert UNITS.allowed() == "a whole number between 1 and 512"
    assert "1 to 3 whole numbers, each between 1 and 1024" == HIDDEN.allowed()
    assert CHOICE.allowed() == "one of 'adam', 'sgd'"
