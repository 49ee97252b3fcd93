"""The session's model in hand: starting a training, opening a stored or uploaded model, and
the analyses the pages compute for it, kept until the model changes."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from typing import Any

import streamlit as st

import aelib
from pages import _state
from pages._data import get_dataset
from pages._identity import browser_id
from pages._workspace import active_trainings, run_store, training_slots

TRAIN_PAGE = "pages/train.py"
ANALYSIS_PAGE = "pages/reconstructions.py"  # where an opened model is first shown
PREVIEW_IMAGES = 10  # test images reconstructed after every epoch


def current_model():
    """The model in hand (an `aelib.TrainingJob` or an `aelib.OpenedModel`), or None."""
    return st.session_state.get(_state.MODEL)


def _replace_model(model) -> None:
    old = current_model()
    if isinstance(old, aelib.TrainingJob):
        old.stop()
    st.session_state[_state.RESULTS] = {}
    st.session_state[_state.MODEL] = model


def start_training(ae: aelib.Autoencoder, data: aelib.Dataset, settings: dict) -> None:
    """Train `ae` in the background as this session's model, replacing the one in hand; the
    training is registered under this browser, so a reload finds it again."""
    job = aelib.TrainingJob(ae, data, settings, data.x_test[:PREVIEW_IMAGES], store=run_store(),
                            slots=training_slots(), after_training=aelib.analysis.code_analysis)
    active_trainings().add(browser_id(), job)
    _replace_model(job.start())


def find_running_training() -> None:
    """In a session without a model (a reload, a new tab, a bookmark), take up the training
    this browser started and that is still running, with a notice saying so."""
    if current_model() is not None:
        return
    running = active_trainings().of(browser_id(), purpose="model")
    if running:
        st.session_state[_state.MODEL] = running[-1]
        st.session_state[_state.RESULTS] = {}
        st.toast("Your training is still running: it is back on the Train page.",
                 icon=":material/model_training:")


def open_model(model: aelib.OpenedModel) -> None:
    """Make a stored or uploaded model this session's model, replacing the one in hand."""
    _replace_model(model)


def open_run(store: aelib.RunStore, record, origin: str) -> None:
    """Load stored run `record` and make it the session's model; `origin` says where it was
    opened ("run 8 from the Runs page").

    Raises:
        ValueError: the run has no saved model, or its dataset cannot be loaded.
    """
    loaded = store.load(record.id)
    open_model(aelib.OpenedModel(loaded.ae, get_dataset(record.dataset), origin, loaded.history,
                                 run_id=record.id))


def require_model():
    """The model in hand once trained; else say what is missing, link to Train and stop."""
    model = current_model()
    if model is None:
        st.info("This page shows what a trained model learned, and there is no model yet. "
                "Train one first: it takes a few seconds.")
        st.page_link(TRAIN_PAGE, label="Go to Train", icon=":material/model_training:")
        st.stop()
    if isinstance(model, aelib.TrainingJob) and not model.snapshot().done:
        st.info(f"A model is still training ({model.describe()}). Come back when it has "
                "finished.")
        st.page_link(TRAIN_PAGE, label="Watch it train", icon=":material/model_training:")
        st.stop()
    return model


def memo(name: str, compute: Callable[[], Any]) -> Any:
    """`compute()` once per model in hand (e.g. its t-SNE map), then reused until the model
    changes."""
    results = st.session_state.setdefault(_state.RESULTS, {})
    if name not in results:
        results[name] = compute()
    return results[name]


def analysed(model, name: str, compute: Callable[[], Any], waiting: str | None = None) -> Any:
    """`memo(name, compute)`, taking what the model's background analysis
    (`aelib.analysis.code_analysis`, started when its training ended) made under the same name.
    With `waiting`, a spinner text, waits for that analysis; without, computes at once unless
    it is ready."""
    def from_background_or_compute():
        background = model.analysis
        if not background.done() and waiting is not None:
            with st.spinner(waiting):
                concurrent.futures.wait([background])
        if background.done() and background.exception() is None \
                and name in background.result():
            return background.result()[name]
        return compute()

    return memo(name, from_background_or_compute)


def test_codes(model):
    """The codes of the model's test images, computed once per model (or in the background)."""
    return analysed(model, "test_codes", lambda: model.ae.encode(model.data.x_test))


def latent_frame(model) -> aelib.analysis.LatentFrame:
    """Where the model's test codes lie (`aelib.analysis.latent_frame`), once per model."""
    return memo("latent_frame", lambda: aelib.analysis.latent_frame(test_codes(model)))
