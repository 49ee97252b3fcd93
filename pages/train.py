"""Train: pick an architecture, set its hyperparameters, watch it learn live, stop it any time."""

from dataclasses import asdict, replace

import pandas as pd
import streamlit as st

import aelib
from pages._shared import (SETTING_PREFIX, UPLOAD, apply_link, current_job, dataset_name,
                           get_dataset, kept, model_summary, remember, set_setting, share_link,
                           spec_widget, start_job)

SPECS = {spec.name: spec for spec in aelib.TRAINING_PARAMS}
POLL_SECONDS = 0.5

st.title("Train")
for notice in apply_link():
    st.warning(f"This experiment link had a value that could not be used: {notice}")
data = get_dataset()
arch_setting = f"{SETTING_PREFIX}arch"
name = remember(arch_setting, st.selectbox(
    "Architecture", aelib.ARCHITECTURES, key=kept(arch_setting, aelib.ARCHITECTURES[0]),
    format_func=lambda n: aelib.REGISTRY[n].title))
architecture = aelib.REGISTRY[name]
st.caption(architecture.purpose)
with st.expander("What the classic tutorial did here, and what aelib fixed",
                 icon=":material/history_edu:"):
    st.markdown(architecture.tutorial)

model_column, training_column = st.columns(2)
with model_column:
    st.subheader("Model")
    hparams = {spec.name: spec_widget(spec, f"{SETTING_PREFIX}{name}_{spec.name}")
               for spec in architecture.params}
with training_column:
    st.subheader("Training")
    settings = {key: spec_widget(SPECS[key], f"{SETTING_PREFIX}{key}")
                for key in ("epochs", "batch_size", "optimizer")}
    optimizer = settings["optimizer"]
    settings["learning_rate"] = spec_widget(  # each optimizer keeps its own rate
        replace(SPECS["learning_rate"], default=aelib.DEFAULT_LEARNING_RATES[optimizer]),
        f"{SETTING_PREFIX}learning_rate_{optimizer}", label="learning rate")
    available, size_setting = len(data.x_train), f"{SETTING_PREFIX}train_size"
    fewest = min(100, max(1, available // 2))
    # Keep the chosen size within this dataset's range (the last dataset may have differed).
    size = max(fewest, min(st.session_state.get(size_setting, 8000), available))
    if st.session_state.get(size_setting) != size:
        set_setting(size_setting, size)
    train_size = available if fewest == available else remember(size_setting, st.slider(
        "training images", min_value=fewest, max_value=available,
        key=kept(size_setting, size),
        help="Fewer images train faster; the test images stay the same."))
    settings["seed"] = spec_widget(SPECS["seed"], f"{SETTING_PREFIX}seed")

try:
    summary = model_summary(name, tuple(hparams.items()), data.image_shape)
    aelib.params.resolve(aelib.TRAINING_PARAMS, settings, "Training")
except ValueError as error:
    st.error(str(error))
    st.stop()

with st.expander(f"Model: {summary.total_parameters:,} parameters, code of shape "
                 f"{summary.code_shape}", expanded=current_job() is None):
    st.dataframe(pd.DataFrame([asdict(row) for row in summary.layers]), hide_index=True,
                 width="stretch")

uploaded = dataset_name() == UPLOAD
setup = aelib.links.Setup(name, hparams, settings, "bundled" if uploaded else dataset_name(),
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
    keras_tab.code(aelib.snippets.keras_script(setup, data.image_shape), language="python")
    keras_tab.caption("The same layers and parameter count, compiled and trained with plain "
                      "`fit` as the tutorial did: a standalone script, copy it and run it.")
    aelib_tab.code(aelib.snippets.aelib_lines(setup), language="python")
    if uploaded:
        aelib_tab.caption("The code loads the bundled sample; for your upload use "
                   "`data = aelib.load_upload(filename, open(filename, 'rb').read())`.")

job = current_job()
running = job is not None and job.active
left, right, _ = st.columns([1, 1, 6])
train_clicked = left.button("Train", type="primary", disabled=running, icon=":material/play_arrow:")
stop_clicked = right.button("Stop", disabled=not running, icon=":material/stop:")

if stop_clicked and job is not None:
    job.stop()
if train_clicked or st.session_state.pop("autostart", False):
    ae = aelib.build(name, seed=settings["seed"], image_shape=data.image_shape, **hparams)
    start_job(ae, data.subset(train_size, None, seed=settings["seed"]), settings)
    st.rerun()


def progress_text(snapshot) -> str:
    """"Epoch 2/5 · batch 10/32 · ETA 4 s" while training, the outcome once done."""
    if snapshot.status == "running":
        eta = "" if snapshot.eta_seconds is None else f" · ETA {snapshot.eta_seconds:.0f} s"
        return (f"Epoch {max(snapshot.epoch, 1)}/{snapshot.epochs} · batch {snapshot.batch}/"
                f"{snapshot.batches or '?'}{eta}")
    return f"{snapshot.status.capitalize()} after {snapshot.seconds:.1f} s"


def live_panel() -> None:
    """Progress, loss curves and the same ten test digits, refreshed while the job runs."""
    job = current_job()
    if job is None:
        st.info("Set the model up, then press **Train**. Training runs in the background: "
                "you can visit other pages meanwhile.")
        return
    snapshot = job.snapshot()
    if snapshot.status == "queued":
        st.info(f"Other people are training: yours waits for a free slot, place "
                f"{snapshot.queue_position} in the queue. Press **Stop** to cancel.")
        return
    if snapshot.status == "cancelled":
        st.info("Cancelled before it started. Press **Train** to try again.")
        return
    st.progress(snapshot.fraction, text=progress_text(snapshot))
    saved = f" Saved as run {snapshot.run_id}." if snapshot.saved else ""
    if snapshot.status == "finished":
        st.success(f"Trained {len(snapshot.history.get('loss', []))} epochs in "
                   f"{snapshot.seconds:.1f} s. Explore it on the other pages.{saved}")
    elif snapshot.status == "stopped":
        st.warning(f"Training ended early ({snapshot.message}). The model is kept with the "
                   f"weights it had.{saved}")
    elif snapshot.status == "failed":
        st.error(snapshot.message)
    charts, previews = st.columns([2, 3])
    if snapshot.history:
        charts.plotly_chart(aelib.figures.loss_curves(snapshot.history))
        if "kl_loss" in snapshot.history:  # the VAE: its two terms apart
            charts.plotly_chart(aelib.figures.vae_loss_terms(snapshot.history))
    if snapshot.preview is not None:
        previews.plotly_chart(aelib.figures.reconstruction_grid(
            job.preview_images, snapshot.preview,
            title=f"The same ten test digits after epoch {snapshot.preview_epoch}"))
    if not job.active and st.session_state.get("polling"):
        st.session_state["polling"] = False
        st.rerun()  # the whole page, so the buttons show that training ended


st.session_state["polling"] = running
st.fragment(live_panel, run_every=POLL_SECONDS if running else None)()
