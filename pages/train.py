"""Train: pick an architecture, set its hyperparameters, watch it learn live, stop it any time."""

from dataclasses import asdict, replace

import pandas as pd
import streamlit as st

import aelib
from lab import state
from lab.codes import show_replay
from lab.data import UPLOAD, dataset_key, dataset_name, dataset_or_stop
from lab.links import apply_link, share_link
from aelib.training.progress import epochs_text
from lab.model import (continue_training, current_model, final_metrics, say_pca_verdict,
                          start_training)
from lab.presets import follow_preset, use_preset
from lab.widgets import model_summary, size_slider, spec_widget

POLL_SECONDS = 0.5

st.title("Train")
for notice in apply_link():
    st.warning(f"This experiment link had a value that could not be used: {notice}")
data = dataset_or_stop()

job = current_model()
# The buttons follow the training; the page keeps refreshing while work goes on after it
# (saving the run, the comparison with PCA), so that the verdict appears when it is ready.
running = job is not None and job.in_progress
working = job is not None and job.active
pick, start, more, stop = st.columns([3, 1, 2, 1], vertical_alignment="bottom")
name = state.remember("arch", pick.selectbox(
    "Architecture", aelib.ARCHITECTURES, key=state.kept("arch", aelib.ARCHITECTURES[0]),
    format_func=lambda n: aelib.REGISTRY[n].title))
train_clicked = start.button("Train", type="primary", disabled=running,
                             icon=":material/play_arrow:", width="stretch")
stop_clicked = stop.button("Stop", disabled=not running, icon=":material/stop:",
                           width="stretch")
architecture = aelib.REGISTRY[name]
follow_preset(architecture.training)  # before the settings' widgets
st.caption(architecture.purpose)

model_column, training_column = st.columns(2)
with model_column:
    hparams = {spec.name: spec_widget(spec, f"{name}_{spec.name}")
               for spec in architecture.params}
with training_column:
    lab, tutorial = st.columns(2)
    lab.button("Lab's defaults", on_click=use_preset, args=(architecture.training, False),
               width="stretch", help="A short run that gives recognisable reconstructions: "
               "these settings then follow the architecture you pick.")
    budget = architecture.tutorial_training
    tutorial.button("Tutorial's budget", on_click=use_preset, args=(budget, True),
                    width="stretch", help=f"{epochs_text(budget.epochs)} in batches of "
                    f"{budget.batch_size}, as the classic tutorial trained this model. "
                    f"{budget.note}".strip())
    settings = {key: spec_widget(aelib.settings.training_spec(key), key)
                for key in ("epochs", "batch_size", "optimizer")}
    optimizer = settings["optimizer"]
    settings["learning_rate"] = spec_widget(  # each optimizer keeps its own rate
        replace(aelib.settings.training_spec("learning_rate"),
                default=aelib.settings.learning_rate_for(optimizer)),
        f"learning_rate_{optimizer}", label="learning rate")
    # Each dataset keeps its own size: a size chosen for a small upload must not follow the
    # learner back to a larger dataset, nor to the next upload.
    train_size = size_slider(f"train_size_{dataset_key()}", "training images",
                             len(data.x_train),
                             help="Fewer images train faster; the test images stay the same.")
    settings["seed"] = spec_widget(aelib.settings.training_spec("seed"), "seed")

try:
    summary = model_summary(name, tuple(hparams.items()), data.image_shape)
    aelib.params.resolve(aelib.TRAINING_PARAMS, settings, "Training")
except ValueError as error:
    st.error(str(error))
    st.stop()
for warning in aelib.explore.advice.training_warnings(train_size, settings["batch_size"]):
    st.warning(warning, icon=":material/warning:")
trained = job is not None and not running and bool(job.history)
more_clicked = more.button(f"Continue training (+{epochs_text(settings['epochs'])})",
                           disabled=not trained, icon=":material/fast_forward:", width="stretch",
                           help="Train the model in hand further: its weights, on the images "
                                "it trained on, with the settings below (epochs: how many "
                                "more). A new run is kept, saying which run it continued.")

if stop_clicked and running:
    job.stop()
try:  # where the trainings go is the deployment's setting: a mistake there is said here
    if train_clicked or st.session_state.pop(state.AUTOSTART, False):
        ae = aelib.build(name, seed=settings["seed"], image_shape=data.image_shape, **hparams)
        start_training(ae, data.subset(train_size, None, seed=settings["seed"]), settings)
        st.rerun()
    if more_clicked and trained:
        continue_training(job, settings)
        st.rerun()
except ValueError as error:
    st.error(str(error))


def pca_verdict(model) -> None:
    """Whether the model beats PCA at the same code size, from its run's metrics; while they
    are computed, a line saying so."""
    metrics = final_metrics(model)
    if metrics and metrics.get("pca_loss") is not None:
        say_pca_verdict(model.ae, metrics["test_loss"], metrics["pca_loss"])
    elif model.active:
        st.caption("Comparing with PCA at the same code size...")


def live_panel() -> None:
    """Progress, loss curves and the same few test images, refreshed while the job runs."""
    model = current_model()
    if model is None:
        st.info("Set the model up, then press **Train**. Training runs in the background: "
                "you can visit other pages meanwhile.")
        return
    if model.opened:
        st.info(f"The model in hand is {model.describe()} "
                f"({aelib.REGISTRY[model.ae.architecture].title}, on {model.data.source}). "
                "Explore it on the other pages, or press **Train** for a new one.")
        pca_verdict(model)
        if model.history:
            st.plotly_chart(aelib.explore.figures.loss_curves(model.history))
        return
    snapshot = model.snapshot()
    if snapshot.status in ("queued", "cancelled"):
        st.info(snapshot.progress_text() + (". Other people are training; press **Stop** "
                                            "to cancel." if snapshot.status == "queued" else
                                            ". Press **Train** to try again."))
        return
    st.progress(snapshot.fraction, text=snapshot.progress_text())
    saved = f" Saved as run {snapshot.run_id}." if snapshot.saved else ""
    if snapshot.status == "finished":
        st.success(f"Done. Explore it on the other pages.{saved}")
    elif snapshot.status == "stopped":
        st.warning(f"Training ended early ({snapshot.message}). The model is kept with the "
                   f"weights it had.{saved}")
    elif snapshot.status == "failed":
        st.error(snapshot.message)
    if snapshot.done:
        pca_verdict(model)
    charts, previews = st.columns([2, 3])
    if snapshot.history:
        charts.plotly_chart(aelib.explore.figures.loss_curves(snapshot.history))
        if aelib.REGISTRY[model.ae.architecture].variational:  # its two loss terms apart
            charts.plotly_chart(aelib.explore.figures.vae_loss_terms(snapshot.history))
    if snapshot.preview is not None:
        previews.plotly_chart(aelib.explore.figures.reconstruction_grid(
            model.preview_images, snapshot.preview,
            title=f"The same {len(model.preview_images)} test images after epoch "
                  f"{snapshot.preview_epoch}"))
    if aelib.explore.replay.replay_frames(snapshot.history) is not None:
        with st.expander("Watch the codes form", expanded=snapshot.done,
                         icon=":material/animation:"):
            show_replay(snapshot.history, model.data, key="train_replay")
    if (model.in_progress, model.active) != st.session_state.get(state.POLLING):
        st.rerun()  # the whole page: the buttons show the training ended, or polling stops


st.session_state[state.POLLING] = (running, working)
st.fragment(live_panel, run_every=POLL_SECONDS if working else None)()

with st.expander(f"Model: {summary.total_parameters:,} parameters, code of shape "
                 f"{summary.code_shape}"):
    layers = pd.DataFrame([asdict(row) for row in summary.layers])
    st.dataframe(layers, hide_index=True, width="stretch", column_config={
        "parameters": st.column_config.NumberColumn(format="localized")})
with st.expander("What the classic tutorial did here, and what aelib fixed",
                 icon=":material/history_edu:"):
    st.markdown(architecture.tutorial)

uploaded = dataset_name() == UPLOAD
setup = aelib.runs.links.Setup(name, hparams, settings,
                          aelib.data.datasets.DEFAULT_DATASET if uploaded else dataset_name(),
                          train_size)
with st.expander("Share this experiment", icon=":material/link:"):
    if uploaded:
        st.caption("Experiments on an uploaded dataset cannot be shared by link: the data "
                   "stays in your session.")
    else:
        st.code(share_link(setup), language=None, wrap_lines=True)
        st.caption("This link holds the dataset, the architecture, every setting and the "
                   "seed: whoever opens it gets this setup, and training it gives the same "
                   "loss curve.")
with st.expander("Show the code", icon=":material/code:"):
    keras_tab, aelib_tab = st.tabs(["Keras 3 script", "aelib"])
    keras_tab.code(aelib.runs.snippets.keras_script(setup, data.image_shape), language="python")
    keras_tab.caption("The same layers and parameter count, compiled and trained with plain "
                      "`fit` as the tutorial did: a standalone script, copy it and run it.")
    aelib_tab.code(aelib.runs.snippets.aelib_lines(setup), language="python")
    if uploaded:
        aelib_tab.caption("The code loads the bundled sample; for your upload use "
                          "`data = aelib.load_upload(filename, open(filename, 'rb').read())`.")
