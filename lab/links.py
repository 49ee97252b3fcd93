"""Experiment links: the Train page's setup in its URL, read on arrival and written back."""

from __future__ import annotations

import urllib.parse

import streamlit as st

import aelib
from lab import state
from lab.workspace import WORKSPACE_PARAM


def setting_values(setup: aelib.runs.links.Setup) -> dict[str, object]:
    """An `aelib.runs.links.Setup` as this lab's remembered settings, in the widgets' forms."""
    name = setup.architecture
    specs = {spec.name: spec for spec in aelib.REGISTRY[name].params}
    hparams = {f"{name}_{key}": ", ".join(map(str, value))
               if specs[key].kind == "int_list" else value
               for key, value in setup.hparams.items()}
    training = dict(setup.training)
    rate = training.pop("learning_rate")
    return {"arch": name, "dataset": setup.dataset, f"train_size_{setup.dataset}": setup.train_size,
            f"learning_rate_{training['optimizer']}": rate, **hparams, **training}


def apply_link() -> list[str]:
    """If the page was opened from an experiment link (or its URL was edited by hand), make
    that setup this session's settings. Returns notices on values that fell back to defaults."""
    query = {key: st.query_params[key] for key in st.query_params if key != WORKSPACE_PARAM}
    if not query or query == st.session_state.get(state.LINK_QUERY):
        return []
    setup, notices = aelib.runs.links.from_query(query)
    for name, value in setting_values(setup).items():
        state.set_setting(name, value)
    st.session_state[state.LINK_QUERY] = query
    return notices


def share_link(setup: aelib.runs.links.Setup) -> str:
    """Put `setup` in the page's URL and return the whole link, to copy and send."""
    query = aelib.runs.links.to_query(setup)
    for key in list(st.query_params):
        if key not in query and key != WORKSPACE_PARAM:
            del st.query_params[key]
    if {key: st.query_params.get(key) for key in query} != query:
        st.query_params.update(query)
    st.session_state[state.LINK_QUERY] = query
    base = (st.context.url or "").split("?")[0]
    return f"{base}?{urllib.parse.urlencode(query)}"
