import itertools

import pytest
from hypothesis import given, settings, strategies as st

import aelib
from aelib.params import ParamSpec, resolve
from aelib.settings import TRAIN_SIZE, TRAINING_PARAMS

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


# Every spec a person can reach: every architecture's, the training settings, the training-set
# size. Whatever text (a link, a text box) or value (a script) comes in, the answer is a valid
# value or a ValueError, never another exception.

ALL_SPECS = [*itertools.chain.from_iterable(a.params for a in aelib.REGISTRY.values()),
             *TRAINING_PARAMS, TRAIN_SIZE]
HOSTILE_TEXT = st.one_of(
    st.text(max_size=60),
    st.integers(min_value=-10**500, max_value=10**500).map(str),
    st.builds(lambda n: "9" * n, st.integers(1, 400)),
    st.sampled_from(["nan", "inf", "-inf", "1e400", "-1e-400", "0x10", "1_000", " 3 ", "3,",
                     ",", "1,2,3,4,5,6,7", "١٢", "True", "None", "[1, 2]", "adam"]),
)
HOSTILE_VALUE = st.one_of(
    st.integers(min_value=-10**500, max_value=10**500), st.floats(), st.booleans(),
    st.none(), st.text(max_size=10), st.lists(st.integers(-10**30, 10**30), max_size=8),
    st.tuples(st.floats(), st.integers()),
)


def _value_or_value_error(call):
    try:
        return call()
    except ValueError:
        return None


@settings(max_examples=300, deadline=None)
@given(spec=st.sampled_from(ALL_SPECS), text=HOSTILE_TEXT)
def test_any_text_for_any_spec_gives_a_valid_value_or_a_value_error(spec, text):
    value = _value_or_value_error(lambda: spec.from_text(text))
    if value is not None:
        assert spec.validate(value) == value  # what comes back is itself valid
        assert spec.from_text(spec.to_text(value)) == value


@settings(max_examples=300, deadline=None)
@given(spec=st.sampled_from(ALL_SPECS), value=HOSTILE_VALUE)
def test_any_value_for_any_spec_is_validated_or_refused_with_a_value_error(spec, value):
    _value_or_value_error(lambda: spec.validate(value))


@settings(max_examples=200, deadline=None)
@given(query=st.dictionaries(st.sampled_from(["arch", "data", *(s.name for s in ALL_SPECS)]),
                             HOSTILE_TEXT, max_size=8))
def test_any_link_gives_a_setup_and_notices(query):
    setup, notices = aelib.runs.links.from_query(query)
    assert setup.architecture in aelib.ARCHITECTURES and isinstance(notices, list)


def test_an_integer_too_large_for_a_float_is_refused_with_a_value_error():
    with pytest.raises(ValueError, match="encoding_dim=.* is not allowed"):
        aelib.build("dense", encoding_dim=10**400)
    setup, notices = aelib.runs.links.from_query({"arch": "dense", "epochs": "9" * 50})
    assert setup.training["epochs"] == aelib.settings.training_spec("epochs").default
    assert "epochs=" in notices[0]
