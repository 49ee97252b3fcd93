"""The sidebar on every page: the dataset picked and the state of the model in hand."""

from __future__ import annotations

import streamlit as st

import aelib
from lab.data import dataset_choices, dataset_name
from lab.model import current_model

REFRESH_SECONDS = 1.0  # while a training runs


def render_sidebar() -> None:
    """Fill the sidebar. Call it after the page has run, so it shows what the page just did;
    while the model in hand trains, it refreshes itself."""
    model = current_model()
    training = _is_training(model)
    with st.sidebar:
        st.caption("Dataset")
        st.write(dataset_choices().get(dataset_name(), dataset_name()))
        st.fragment(_model_state, run_every=REFRESH_SECONDS if training else None)(training)


def _is_training(model) -> bool:
    return model is not None and model.active


def _model_state(was_training: bool) -> None:
    model = current_model()
    if was_training and not _is_training(model):
        st.rerun()  # training ended: the whole page, so it can show the trained model
    st.caption("Model")
    if model is None:
        st.write("none yet")
        return
    st.write(f"{aelib.REGISTRY[model.ae.architecture].title}: {model.describe()}")
    losses = model.history.get("val_loss")
    if losses:
        st.write(f"val loss {losses[-1]:.4f} after {len(losses)} epochs")
