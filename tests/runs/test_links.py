import pytest

import aelib
from aelib.runs.links import Setup, from_query, to_query


def non_default(spec):
    """A valid value other than the spec's default."""
    if spec.kind == "choice":
        return next(c for c in spec.choices if c != spec.default)
    if spec.kind == "int_list":
        return tuple(max(int(spec.low), v // 2) for v in spec.default)
    if spec.kind == "int":
        return int(spec.default) + 1 if spec.default < spec.high else int(spec.default) - 1
    return spec.default / 3 if spec.default else 0.123456789


@pytest.mark.parametrize("name", aelib.ARCHITECTURES)
def test_a_link_round_trips_every_setting_of_every_architecture(name):
    setup = Setup(name, {s.name: non_default(s) for s in aelib.REGISTRY[name].params},
                  {"epochs": 7, "batch_size": 100, "optimizer": "rmsprop",
                   "learning_rate": 0.000123456789, "seed": 42}, "digits", 1234)
    query = to_query(setup)
    assert all(isinstance(value, str) for value in query.values())
    assert from_query(query) == (setup, [])


def test_an_empty_link_gives_the_defaults():
    setup, notices = from_query({})
    assert notices == [] and setup.architecture == "dense" and setup.dataset == "bundled"
    assert setup.hparams == {"encoding_dim": 32, "loss": "bce"}
    assert setup.training == {"epochs": 5, "batch_size": 256, "optimizer": "adam",
                              "learning_rate": 1e-3, "seed": 0}


def test_the_learning_rate_defaults_to_the_optimizers_own():
    assert from_query({"optimizer": "adadelta"})[0].training["learning_rate"] == 1.0


@pytest.mark.parametrize("query, fallback, notice", [
    ({"arch": "transformer"}, ("architecture", "dense"), "architecture 'transformer' does not"),
    ({"data": "../../etc/passwd"}, ("dataset", "bundled"), "not one of the built-in datasets"),
    ({"epochs": "1e9"}, ("training", "epochs", 5), "epochs='1e9' is not allowed"),
    ({"epochs": "-3"}, ("training", "epochs", 5), "epochs=-3 is not allowed"),
    ({"learning_rate": "nan"}, ("training", "learning_rate", 1e-3), "learning_rate=nan"),
    ({"optimizer": "adadelta", "learning_rate": "0"}, ("training", "learning_rate", 1.0),
     "learning_rate=0.0 is not allowed"),  # the optimizer's own default, not the spec's
    ({"optimizer": "<script>"}, ("training", "optimizer", "adam"), "optimizer='<script>'"),
    ({"arch": "conv", "filters": "16,x"}, ("hparams", "filters", (16, 8, 8)), "filters='16,x'"),
    ({"arch": "conv", "filters": ""}, ("hparams", "filters", (16, 8, 8)), "filters=()"),
    ({"train_size": "0"}, ("train_size", 8000), "train_size=0 is not allowed"),
])
def test_tampered_values_fall_back_to_defaults_with_a_notice(query, fallback, notice):
    setup, notices = from_query(query)
    value = getattr(setup, fallback[0])
    for key in fallback[1:-1]:
        value = value[key]
    assert value == fallback[-1]
    assert len(notices) == 1 and notice in notices[0]


def test_parameters_a_setup_does_not_use_are_ignored():
    setup, notices = from_query({"arch": "dense", "filters": "1,2", "utm_source": "x"})
    assert notices == [] and "filters" not in setup.hparams
