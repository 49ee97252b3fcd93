"""The session's model in hand: starting a training, opening a stored, uploaded or pretrained
model, and the analyses the pages compute for it, kept until the model changes."""

from __future__ import annotations

import concurrent.futures
import math
from collections.abc import Callable
from typing import Any

import streamlit as st

import aelib
from aelib.jobs.in_hand import ModelInHand
from lab import state
from lab.data import get_dataset
from lab.identity import browser_id
from lab.navigation import TRAIN_PAGE
from lab.workspace import active_trainings, run_store, training_slots

PREVIEW_IMAGES = 10  # test images reconstructed after every epoch


def current_model() -> ModelInHand | None:
    """The model in hand (an `aelib.TrainingJob` or an `aelib.OpenedModel`), or None."""
    return st.session_state.get(state.MODEL)


def _replace_model(model: ModelInHand) -> None:
    old = current_model()
    if old is not None:
        old.stop()
    st.session_state[state.RESULTS] = {}
    st.session_state[state.MODEL] = model


def start_training(ae: aelib.Autoencoder, data: aelib.Dataset, settings: dict,
                   history: dict | None = None, continued_from: int | None = None) -> None:
    """Train `ae` in the background as this session's model, replacing the one in hand; the
    training is registered under this browser, so a reload finds it again. `history` and
    `continued_from`: those of the training it continues (see `aelib.TrainingJob`)."""
    job = aelib.sweeps.training_job(ae, data, settings, data.x_test[:PREVIEW_IMAGES],
                                  store=run_store(), slots=training_slots(),
                                  after_training=aelib.explore.analysis.code_analysis,
                                  history=history, continued_from=continued_from)
    active_trainings().add(browser_id(), job)
    _replace_model(job.start())


def continue_training(model: ModelInHand, settings: dict) -> None:
    """Train the model in hand (trained, not training) `settings["epochs"]` more epochs with
    `settings`, from its weights and on the images it trained on, in the same batch order a
    longer run would have had (its own seed). The history goes on from its own; a new run
    records the run it continued from."""
    data, seed = model.training_images(run_store())
    if seed is not None:
        settings = {**settings, "seed": seed}
    start_training(model.ae, data, settings, model.history, model.run_id)


def final_metrics(model: ModelInHand) -> dict | None:
    """The metrics stored with the model's run (`aelib.explore.analysis.run_metrics`), or None
    while they are computed, or without a run."""
    return model.final_metrics(run_store())


def say_pca_verdict(ae: aelib.Autoencoder, model_loss: float, pca_loss: float) -> None:
    """Say plainly whether `ae`, at test loss `model_loss`, beats PCA with as many components
    as its code has numbers (`pca_loss`)."""
    try:
        verdict = aelib.explore.advice.pca_verdict(float(model_loss), float(pca_loss), ae.code_size,
                                           pixels=math.prod(ae.image_shape))
    except ValueError:  # a loss that is not a number: a failed training says so already
        return
    if verdict.code_size >= math.prod(ae.image_shape):
        st.info(verdict.sentence, icon=":material/compare:")
    elif verdict.beats_pca:
        st.success(verdict.sentence, icon=":material/compare:")
    else:
        st.warning(verdict.sentence, icon=":material/compare:")


def find_running_training() -> None:
    """In a session without a model (a reload, a new tab, a bookmark), take up the training
    this browser started and that is still running, with a notice saying so."""
    if current_model() is not None:
        return
    running = active_trainings().of(browser_id(), purpose="model")
    if running:
        st.session_state[state.MODEL] = running[-1]
        st.session_state[state.RESULTS] = {}
        st.toast("Your training is still running: it is back on the Train page.",
                 icon=":material/model_training:")


def open_model(model: aelib.OpenedModel) -> None:
    """Make a stored or uploaded model this session's model, replacing the one in hand."""
    _replace_model(model)


def pretrained_choices(dataset: str) -> dict[str, tuple[str, str]]:
    """The pretrained models shipped with aelib, each in words -> its (architecture, dataset);
    those trained on `dataset` first. Reads their manifest only: no Keras."""
    models = aelib.jobs.pretrained.pretrained_models()
    keys = sorted(models, key=lambda key: key[1] != dataset)  # stable: the manifest's order
    return {f"{aelib.REGISTRY[key[0]].title}, on {aelib.DATASETS[key[1]]}": key for key in keys}


def open_pretrained(name: str, dataset: str) -> None:
    """Make the pretrained `name` model trained on `dataset` this session's model, and that
    dataset the session's, replacing the model in hand (a button's callback)."""
    record = aelib.jobs.pretrained.pretrained_model(name, dataset)
    ae = aelib.pretrained(name, dataset)
    state.set_setting("dataset", dataset)
    open_model(aelib.OpenedModel(ae, get_dataset(dataset), record.describe(), record.history))


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
    if model.in_progress:
        st.info(f"A model is still training ({model.describe()}). Come back when it has "
                "finished.")
        st.page_link(TRAIN_PAGE, label="Watch it train", icon=":material/model_training:")
        st.stop()
    return model


def memo(name: str, compute: Callable[[], Any]) -> Any:
    """`compute()` once per model in hand (e.g. its t-SNE map), then reused until the model
    changes."""
    results = st.session_state.setdefault(state.RESULTS, {})
    if name not in results:
        results[name] = compute()
    return results[name]


def analysed(model, name: str, compute: Callable[[], Any], waiting: str | None = None) -> Any:
    """`memo(name, compute)`, taking what the model's background analysis
    (`aelib.explore.analysis.code_analysis`, started when its training ended) made under the same
    name.
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


def codes_of_test_images(model):
    """The codes of the model's test images, computed once per model (or in the background)."""
    return analysed(model, "test_codes", lambda: model.ae.encode(model.data.x_test))


def latent_frame(model) -> aelib.explore.analysis.LatentFrame:
    """Where the model's test codes lie (`aelib.explore.analysis.latent_frame`), once per model."""
    return memo("latent_frame",
                lambda: aelib.explore.analysis.latent_frame(codes_of_test_images(model)))
