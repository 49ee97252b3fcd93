"""Training settings: the optimizer table, the one learning-rate rule and the defaults, and
that every place which fills in a setting takes it from `aelib.settings`."""

import dataclasses
import inspect

import pytest

import aelib
from aelib.architectures import TrainingPreset
from aelib.runs.links import from_query
from aelib.settings import (OPTIMIZERS, TRAINING_PARAMS, TrainingSettings, learning_rate_for,
                            training_spec)
from aelib.sweeps.plan import make_plan
from lab.presets import preset_values

# Written out by hand, not derived: the facts the table must keep.
DEFAULT_RATES = {"adam": 1e-3, "rmsprop": 1e-3, "sgd": 1e-2, "adadelta": 1.0}
KERAS_CLASSES = {"adam": "Adam", "rmsprop": "RMSprop", "sgd": "SGD", "adadelta": "Adadelta"}


def rates_filled_in(optimizer, learning_rate=None):
    """The learning rate each place that fills one in gives a run of `optimizer`."""
    query = {"optimizer": optimizer}
    if learning_rate is not None:
        query["learning_rate"] = str(learning_rate)
    settings = {"learning_rate": learning_rate} if learning_rate is not None else {}
    preset = TrainingPreset(1, 1, optimizer, learning_rate)
    return {
        "learning_rate_for": learning_rate_for(optimizer, learning_rate),
        "TrainingSettings": TrainingSettings(optimizer=optimizer,
                                             learning_rate=learning_rate).resolved().learning_rate,
        "link": from_query(query)[0].training["learning_rate"],
        "sweep": make_plan(settings={"optimizer": optimizer, **settings}).points()[0]
        .training["learning_rate"],
        "preset": preset.settings()["learning_rate"],
        "Train page preset": preset_values(preset)[f"learning_rate_{optimizer}"],
    }


def test_the_optimizer_table_holds_each_optimizers_keras_class_and_default_rate():
    assert OPTIMIZERS == {name: (KERAS_CLASSES[name], rate) for name, rate in DEFAULT_RATES.items()}
    assert aelib.DEFAULT_LEARNING_RATES == DEFAULT_RATES
    assert aelib.settings.OPTIMIZER_NAMES == tuple(DEFAULT_RATES)
    assert training_spec("optimizer").choices == tuple(DEFAULT_RATES)


@pytest.mark.parametrize("optimizer, rate", DEFAULT_RATES.items())
def test_every_place_gives_each_optimizer_its_own_default_rate(optimizer, rate):
    assert rates_filled_in(optimizer) == dict.fromkeys(rates_filled_in(optimizer), rate)


@pytest.mark.parametrize("optimizer", DEFAULT_RATES)
def test_an_explicit_learning_rate_wins_everywhere(optimizer):
    filled = rates_filled_in(optimizer, 0.0625)
    assert filled == dict.fromkeys(filled, 0.0625)


@pytest.mark.parametrize("arguments, message", [
    (("adamw",), "optimizer='adamw' is not allowed: expected one of 'adam'"),
    (("adam", 0.0), "learning_rate=0.0 is not allowed"),
    (("sgd", float("nan")), "learning_rate=nan is not allowed"),
])
def test_a_bad_optimizer_or_rate_is_refused_with_a_value_error(arguments, message):
    with pytest.raises(ValueError, match=message):
        learning_rate_for(*arguments)


def test_training_settings_default_to_the_specs():
    defaults = TrainingSettings()
    assert [field.name for field in dataclasses.fields(TrainingSettings)] == \
        [spec.name for spec in TRAINING_PARAMS]
    for spec in TRAINING_PARAMS:
        expected = None if spec.name == "learning_rate" else spec.default
        assert getattr(defaults, spec.name) == expected, spec.name
    resolved = defaults.resolved()
    assert resolved == dataclasses.replace(defaults, learning_rate=1e-3)
    assert resolved.learning_rate == training_spec("learning_rate").default


def test_train_takes_its_defaults_from_training_settings():
    parameters = inspect.signature(aelib.train).parameters
    for name, value in dataclasses.asdict(TrainingSettings()).items():
        assert parameters[name].default == value, name


def test_resolved_converts_types_and_refuses_bad_settings():
    assert TrainingSettings(epochs=3.0, seed=2.0).resolved() == \
        TrainingSettings(epochs=3, seed=2, learning_rate=1e-3)
    assert isinstance(TrainingSettings(epochs=3.0).resolved().epochs, int)
    with pytest.raises(ValueError, match="epochs=0 is not allowed"):
        TrainingSettings(epochs=0).resolved()
    with pytest.raises(ValueError, match="optimizer='adamw' is not allowed"):
        TrainingSettings(optimizer="adamw").resolved()


def test_an_unknown_setting_is_refused_with_the_names_there_are():
    with pytest.raises(ValueError, match="no training setting 'momentum'.*epochs, batch_size"):
        training_spec("momentum")


def test_the_other_optimizer_tables_agree_with_the_settings():
    import keras

    assert aelib.runs.snippets.OPTIMIZER_CLASSES == KERAS_CLASSES
    assert set(KERAS_CLASSES.values()) <= aelib.model.files.ALLOWED_CLASSES
    assert aelib.training.fit.OPTIMIZERS == {name: getattr(keras.optimizers, class_name)
                                             for name, class_name in KERAS_CLASSES.items()}
    assert aelib.training.fit.learning_rate_for is learning_rate_for


@pytest.mark.parametrize("optimizer, rate", DEFAULT_RATES.items())
def test_the_keras_script_builds_the_optimizer_at_its_default_rate(optimizer, rate):
    setup = from_query({"optimizer": optimizer})[0]
    script = aelib.runs.snippets.keras_script(setup)
    assert f"keras.optimizers.{KERAS_CLASSES[optimizer]}(learning_rate={rate!r})" in script
