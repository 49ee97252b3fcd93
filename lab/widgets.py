"""Widgets generated from `aelib.ParamSpec`s, and the model summaries shown before training."""

from __future__ import annotations

from typing import Any

import streamlit as st

import aelib
from lab import state


def spec_widget(spec: aelib.ParamSpec, name: str, label: str | None = None) -> Any:
    """A widget for one spec, remembered across pages as setting `name`; returns its value,
    not yet validated. Lists are typed as comma-separated numbers; the spec's validation
    explains mistakes."""
    label = label or spec.name.replace("_", " ")
    default = ", ".join(map(str, spec.default)) if spec.kind == "int_list" else spec.default
    key, helptext = state.kept(name, default), f"{spec.help} Allowed: {spec.allowed()}."
    if spec.kind == "choice":
        return state.remember(name, st.selectbox(label, spec.choices, key=key, help=helptext))
    if spec.kind == "int_list":
        text = state.remember(name, st.text_input(label, key=key, help=helptext))
        try:
            return tuple(int(part) for part in text.split(",") if part.strip())
        except ValueError:
            return text  # invalid: the spec's validation words the error
    if spec.kind == "int":
        return state.remember(name, st.number_input(
            label, min_value=int(spec.low), max_value=int(spec.high), step=1, key=key,
            help=helptext))
    return state.remember(name, st.number_input(
        label, min_value=float(spec.low), max_value=float(spec.high),
        step=(spec.default or 1.0) / 10, format="%.1e" if spec.log_scale else "%.2f", key=key,
        help=helptext))


def size_slider(name: str, label: str, available: int, *, fewest: int | None = None,
                default: int | None = None, help: str | None = None, container=st) -> int:
    """How many of `available` images to use, remembered as setting `name`: a slider from
    `fewest` (`aelib.settings.fewest_training_images` unless given) to all of them, starting at
    `default` (all). A remembered value outside that range (a link's, or one kept for data that
    has since changed) is brought inside it first; with nothing to choose, no slider."""
    fewest = aelib.settings.fewest_training_images(available) if fewest is None else fewest
    if fewest >= available:
        return available
    remembered = st.session_state.get(state.WIDGET_PREFIX + state.setting_key(name),
                                      state.setting(name, default or available))
    inside = min(max(int(remembered), fewest), available) \
        if isinstance(remembered, int | float) else available
    if inside != remembered:
        state.set_setting(name, inside)
    return state.remember(name, container.slider(label, min_value=fewest, max_value=available,
                                                 key=state.kept(name, default or available),
                                                 help=help))


@st.cache_data(show_spinner=False)
def model_summary(name: str, hparams: tuple, image_shape: tuple) -> aelib.ModelSummary:
    """The layer table and sizes of an architecture with these hyperparameters (a tuple of
    pairs) and image shape. Shared across sessions: it depends on those alone.

    Raises:
        ValueError: invalid hyperparameters, with the spec's explanation.
    """
    return aelib.build(name, image_shape=image_shape, **dict(hparams)).summary()
