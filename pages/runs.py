"""Runs: every training kept, compared side by side, reopened, downloaded; models uploaded;
the classic tutorial reproduced with one click."""

import json
import tempfile
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import streamlit as st

import aelib
from aelib import figures
from aelib.runs import METRIC_NAMES
from aelib.tutorial import TUTORIAL_RUNS, tutorial_jobs
from pages._shared import TRAIN_PAGE, get_dataset, open_job, run_store, training_slots

POLL_SECONDS = 1.0


def run_label(record) -> str:
    """"run 3 · dense · bundled" for pickers and legends."""
    return f"run {record.id} · {record.architecture} · {record.dataset}"


def open_run(store, record) -> None:
    """Load a stored run and make it the session's model for the analysis pages."""
    loaded = store.load(record.id)
    data = get_dataset(record.dataset)
    open_job(aelib.TrainingJob.finished(loaded.ae, data, loaded.history, record.settings,
                                        run_id=record.id))


def tutorial_panel() -> None:
    """Progress of the queued tutorial runs and the reproduction table."""
    queue = st.session_state.get("tutorial_queue")
    if queue is None:
        return
    rows = []
    for run, job in zip(TUTORIAL_RUNS, queue.jobs):
        snapshot = job.snapshot()
        if snapshot.status in ("running", "queued"):
            st.progress(snapshot.fraction, text=f"{run.architecture}: {snapshot.status}, "
                                                f"epoch {snapshot.epoch}/{snapshot.epochs}")
        metrics = store.get(snapshot.run_id).metrics if snapshot.saved else {}
        rows.append({
            "model": run.architecture, "tutorial reported": run.reported_loss,
            "epochs": snapshot.epochs, "status": snapshot.status,
            "our test loss": metrics.get("test_loss"),
            "tutorial code mean": run.reported_code_mean,
            "our code mean": metrics.get("code_mean"),
            "seconds": round(snapshot.seconds, 1) if snapshot.done else None,
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if not queue.done and st.button("Stop the reproduction", icon=":material/stop:"):
        queue.stop()


st.title("Runs")
store = run_store()

with st.expander("Reproduce the tutorial", expanded="tutorial_queue" in st.session_state,
                 icon=":material/science:"):
    st.write("Queue the tutorial's four image models (dense 50 epochs, sparse 100, deep 100, "
             "conv 50) on the current dataset and compare our losses with the ones it reported. "
             "They run one after another in the background; you can leave this page.")
    data = get_dataset()
    budget, size = st.columns(2)
    epochs = budget.number_input("Epochs for every model (0: the tutorial's own)", 0, 200, 10,
                                 key="tutorial_epochs")
    train_size = size.number_input("Training images", 100, len(data.x_train),
                                   len(data.x_train), key="tutorial_train_size")
    queue = st.session_state.get("tutorial_queue")
    if st.button("Reproduce the tutorial", type="primary", icon=":material/play_arrow:",
                 disabled=queue is not None and not queue.done):
        jobs = tutorial_jobs(data, epochs=epochs or None, train_size=train_size, store=store,
                             slots=training_slots())
        st.session_state["tutorial_queue"] = aelib.JobQueue(jobs).start()
        st.rerun()
    queue = st.session_state.get("tutorial_queue")
    st.fragment(tutorial_panel, run_every=POLL_SECONDS if queue and not queue.done else None)()

with st.expander("Upload a model (.keras)", icon=":material/upload:"):
    upload = st.file_uploader("A model downloaded from this page or saved with "
                              "aelib.save_model_file", type=None, key="model_upload")
    if upload is not None and st.button("Open the uploaded model"):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            try:
                ae = aelib.load_model_file(path)
            except ValueError as error:
                st.error(str(error))
            else:
                open_job(aelib.TrainingJob.finished(ae, get_dataset(), {}))
                st.success(f"Opened a {aelib.REGISTRY[ae.architecture].title} model on the "
                           "current dataset: see the analysis pages.")

records = store.list()
if not records:
    st.info("No runs yet: every training on the Train page is kept here.")
    st.page_link(TRAIN_PAGE, label="Go to Train", icon=":material/model_training:")
    st.stop()

architectures, datasets = st.columns(2)
chosen_architectures = architectures.multiselect(
    "Architectures", sorted({r.architecture for r in records}), key="runs_architectures")
chosen_datasets = datasets.multiselect("Datasets", sorted({r.dataset for r in records}),
                                       key="runs_datasets")
shown = [r for r in records
         if (not chosen_architectures or r.architecture in chosen_architectures)
         and (not chosen_datasets or r.dataset in chosen_datasets)]
table = pd.DataFrame(store.compare([r.id for r in shown]))
st.dataframe(table, hide_index=True, width="stretch",
             column_config={"run": st.column_config.NumberColumn(format="%d")})

by_label = {run_label(r): r for r in shown}
picked = st.multiselect("Compare runs", list(by_label), default=list(by_label)[:2],
                        key="runs_compare")
if picked:
    curves, bars = st.columns(2)
    curves.plotly_chart(figures.runs_loss_curves(
        {label: by_label[label].history for label in picked}))
    metric = bars.selectbox("Metric", METRIC_NAMES, key="runs_metric")
    bars.plotly_chart(figures.metric_bars(
        store.compare([by_label[label].id for label in picked]), metric))

st.subheader("One run")
label = st.selectbox("Run", list(by_label), key="runs_one")
if label:
    record = by_label[label]
    st.caption(f"{record.status}{': ' + record.reason if record.reason else ''} · "
               f"dataset source: {record.dataset_source} · hyperparameters {record.hparams} · "
               f"settings {record.settings} · versions {record.versions}")
    open_column, model_column, json_column, delete_column = st.columns(4)
    if record.model_path and Path(record.model_path).exists():
        if open_column.button("Open in the analysis pages", icon=":material/open_in_new:"):
            try:
                open_run(store, record)
            except ValueError as error:
                st.error(str(error))
            else:
                st.success(f"Run {record.id} is now the session's model.")
        model_column.download_button("Download model (.keras)",
                                     Path(record.model_path).read_bytes(),
                                     file_name=f"aelib-run-{record.id}.keras",
                                     icon=":material/download:")
    json_column.download_button(
        "Download config and history (JSON)",
        json.dumps({k: v for k, v in asdict(record).items() if k != "model_path"}, indent=2),
        file_name=f"aelib-run-{record.id}.json", icon=":material/data_object:")
    if delete_column.button("Delete", icon=":material/delete:"):
        store.delete(record.id)
        st.rerun()
