"""Anomalies: train on some digits only, then find the others by their reconstruction error."""

import numpy as np
import streamlit as st

import aelib
from aelib.explore.anomaly import anomaly_report, normal_only
from lab import state
from lab.data import get_dataset
from lab.identity import browser_id
from lab.workspace import active_trainings, run_store, training_slots

POLL_SECONDS = 0.5
EPOCHS, SEED = aelib.settings.training_spec("epochs"), aelib.settings.training_spec("seed")

st.title("Anomalies")
st.write("An autoencoder reconstructs well what it was trained on. Train one on *normal* "
         "digits only, and the held-out digits come back worse: their reconstruction error "
         "becomes an anomaly score. How well it separates them is the ROC curve's area (AUC; "
         "0.5 is chance). The model trained here is a run of its own, kept on the Runs page; "
         "the model in hand on the other pages stays as it is.")
data = get_dataset()
if not data.has_labels:
    st.info("This needs labelled images, to know which digits to hold out; the current "
            "dataset has none. Pick another on Home.")
    st.stop()

labels = sorted(np.unique(data.y_train).tolist())
left, middle, right, last = st.columns(4)
held_out = left.multiselect("Anomalies: classes left out of training", labels,
                            default=labels[:1], key="anomaly_classes")
name = middle.selectbox("Architecture", aelib.ARCHITECTURES, key="anomaly_arch",
                        format_func=lambda n: aelib.REGISTRY[n].title)
epochs = right.number_input("Epochs", EPOCHS.low, EPOCHS.high, EPOCHS.default,
                            key="anomaly_epochs")
seed = last.number_input("Seed", SEED.low, SEED.high, SEED.default, key="anomaly_seed",
                         help=SEED.help)
if state.ANOMALY_JOB not in st.session_state:  # a reload: this browser's training, if any
    st.session_state[state.ANOMALY_JOB] = next(
        iter(active_trainings().of(browser_id(), purpose="anomaly")[-1:]), None)
job = st.session_state[state.ANOMALY_JOB]
running = job is not None and job.in_progress
if st.button("Train on the normal classes", type="primary", disabled=running,
             icon=":material/play_arrow:"):
    try:
        normal = normal_only(data, held_out)
    except ValueError as error:
        st.error(str(error))
        st.stop()
    ae = aelib.build(name, seed=int(seed), image_shape=data.image_shape)
    try:
        job = aelib.sweeps.training_job(ae, normal, {"epochs": int(epochs), "seed": int(seed)},
                                      data.x_test[:0], store=run_store(), slots=training_slots())
    except ValueError as error:  # where the trainings go: the deployment's setting
        st.error(str(error))
        st.stop()
    active_trainings().add(browser_id(), job, purpose="anomaly")
    st.session_state[state.ANOMALY_JOB] = job.start()
    st.session_state[state.ANOMALY_REPORT] = None
    st.rerun()


def report_panel() -> None:
    """Progress while the model trains; then the ROC curve and the most anomalous images."""
    job = st.session_state.get(state.ANOMALY_JOB)
    if job is None:
        st.info("Pick the anomalies and press **Train on the normal classes**.")
        return
    if job.data.name != get_dataset().name:  # a result belongs to the data it was computed on
        st.info(f"Your last anomaly model was trained on {job.data.source}; the dataset in use "
                "has changed. Press **Train on the normal classes** to find anomalies in this "
                "one.")
        return
    # The anomalies are the classes its training left out.
    held = sorted(set(job.data.y_test.tolist()) - set(job.data.y_train.tolist()))
    snapshot = job.snapshot()
    if not snapshot.done:
        st.progress(snapshot.fraction, text=f"Training on the normal classes: "
                                            f"{snapshot.progress_text()}")
        return
    if not snapshot.history:
        st.error(snapshot.message or "Training ended before any epoch.")
        return
    if st.session_state.get(state.ANOMALY_REPORT) is None:
        st.session_state[state.ANOMALY_REPORT] = anomaly_report(job.ae, job.data, held)
        st.rerun()  # the whole page, so the button shows that training ended
    report = st.session_state[state.ANOMALY_REPORT]
    st.metric(f"AUC, classes {', '.join(map(str, held))} as anomalies", f"{report.auc:.3f}",
              help="The chance that a random anomaly scores above a random normal image.")
    curve, scores = st.columns(2)
    curve.plotly_chart(aelib.explore.figures.roc_curve(report))
    scores.plotly_chart(aelib.explore.figures.error_histogram(
        {"normal": report.scores[~report.is_anomaly], "anomalies":
         report.scores[report.is_anomaly]}, title="Anomaly score (reconstruction error)",
        normalised=True, loss=report.loss))
    top, tested = report.ranking[:12], job.data
    st.plotly_chart(aelib.explore.figures.image_rows(
        {"most anomalous": tested.x_test[top], "reconstructed": job.ae.reconstruct(
            tested.x_test[top])}, column_labels=[f"{tested.y_test[i]} #{i}" for i in top],
        title="The 12 test images with the highest scores (label #index)"))
    st.caption("Digits with little ink, like 1, are easy to reconstruct even unseen: "
               "reconstruction error finds the unusual, which is not always the unseen.")


st.fragment(report_panel, run_every=POLL_SECONDS if running else None)()
