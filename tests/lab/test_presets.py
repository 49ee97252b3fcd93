"""A preset as the Train page's remembered settings: each optimizer keeps its own rate."""

import aelib
from lab.presets import preset_values


def test_a_preset_becomes_the_settings_it_gives_with_the_optimizer_s_own_rate_key():
    preset = aelib.REGISTRY["conv"].training
    values = preset_values(preset)
    assert values == {"epochs": preset.epochs, "batch_size": preset.batch_size,
                      "optimizer": preset.optimizer,
                      f"learning_rate_{preset.optimizer}": aelib.settings.learning_rate_for(
                          preset.optimizer, preset.learning_rate)}


def test_a_preset_without_a_rate_takes_the_optimizer_s_default():
    preset = aelib.architectures.TrainingPreset(epochs=3, batch_size=16, optimizer="sgd")
    assert preset_values(preset)["learning_rate_sgd"] == aelib.settings.learning_rate_for("sgd",
                                                                                         None)
