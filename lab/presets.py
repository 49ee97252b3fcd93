"""Training presets on the Train page: the settings follow the picked architecture's preset
until the learner chooses their own.

The rule: a training setting (epochs, batch size, optimizer, learning rate) that still holds the
value a preset gave it follows the architecture picked, so switching architecture gives the new
one's preset. A value the learner typed, opened from a link or set with the tutorial's budget
is theirs: it stays, whatever architecture they pick, until they press "Lab's defaults".
"""

from __future__ import annotations

import streamlit as st

import aelib
from aelib.architectures import TrainingPreset
from lab import state


def preset_values(preset: TrainingPreset) -> dict[str, object]:
    """A preset as the Train page's remembered settings (each optimizer keeps its own rate)."""
    rate = aelib.settings.learning_rate_for(preset.optimizer, preset.learning_rate)
    return {"epochs": preset.epochs, "batch_size": preset.batch_size,
            "optimizer": preset.optimizer, f"learning_rate_{preset.optimizer}": rate}


def follow_preset(preset: TrainingPreset) -> None:
    """Give every setting the learner has not chosen themselves `preset`'s value. Call it
    before the settings' widgets are drawn."""
    given = st.session_state.setdefault(state.PRESET_GIVEN, {})
    for name, value in preset_values(preset).items():
        current = state.setting(name)
        if current is None or (name in given and current == given[name]):
            if current != value:
                state.set_setting(name, value)
            given[name] = value


def use_preset(preset: TrainingPreset, own: bool) -> None:
    """Set `preset`'s values (a button's callback): as the learner's own choice (`own`, they
    stay when the architecture changes), or as values that follow the architecture."""
    given = st.session_state.setdefault(state.PRESET_GIVEN, {})
    for name, value in preset_values(preset).items():
        state.set_setting(name, value)
        if own:
            given.pop(name, None)
        else:
            given[name] = value
