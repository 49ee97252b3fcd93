"""Runs: every training kept, compared side by side, reopened, downloaded; models uploaded;
the classic tutorial reproduced with one click."""


import pandas as pd
import streamlit as st

import aelib
from aelib.explore import figures
from aelib.explore.metrics import METRICS, SCORECARD
from aelib.jobs.tutorial import comparison_rows, runs_in_words, tutorial_jobs
from lab import state
from lab.data import dataset_key, get_dataset
from lab.model import open_model, open_run
from lab.navigation import ANALYSIS_PAGE, TRAIN_PAGE
from lab.identity import browser_id
from lab.widgets import size_slider
from lab.workspace import active_trainings, run_store, training_slots

POLL_SECONDS = 1.0
TABLE_COLUMNS = {"run": "run", "architecture": "architecture", "dataset": "dataset",
                 "status": "status", "epochs": "epochs", "seconds": "seconds",
                 **{name: metric.label for name, metric in METRICS.items()}}
TABLE_FORMATS = {"seconds": "{:.1f}",
                 **{name: metric.format for name, metric in METRICS.items()}}


def shown_metrics(rows: list[dict]) -> list[str]:
    """The metrics to show for these runs: the scorecard's only where some run has a score
    (a run on the coloured shapes), every other one always."""
    scored = any(row.get(name) is not None for row in rows for name in SCORECARD)
    return [name for name in METRICS if scored or name not in SCORECARD]


def runs_table(rows: list[dict]):
    """The runs as a table a person reads: plain headers, numbers formatted, nothing shown
    where a value is not known yet (a running run's metrics)."""
    columns = [name for name in TABLE_COLUMNS if name not in METRICS] + shown_metrics(rows)
    table = pd.DataFrame(rows, columns=columns).astype(
        {name: float for name in TABLE_FORMATS if name in columns})
    formats = {TABLE_COLUMNS[name]: text for name, text in TABLE_FORMATS.items()
               if name in columns}
    return table.rename(columns=TABLE_COLUMNS).style.format(formats, na_rep="")


def tutorial_panel() -> None:
    """Progress of the queued tutorial runs and the reproduction table."""
    queue = st.session_state.get(state.TUTORIAL_QUEUE)
    if queue is None:
        return
    snapshots = queue.snapshots()
    rows = comparison_rows(snapshots)
    for row, snapshot in zip(rows, snapshots):
        if not snapshot.done:
            st.progress(snapshot.fraction, text=f"{row['model']}: {snapshot.progress_text()}")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if not queue.done and st.button("Stop the reproduction", icon=":material/stop:"):
        queue.stop()
    if not queue.active and st.session_state.pop(state.TUTORIAL_POLLING, False):
        st.rerun()  # the whole page, so the button comes back and the runs table fills


st.title("Runs")
store = run_store()

with st.expander("Reproduce the tutorial", expanded=state.TUTORIAL_QUEUE in st.session_state,
                 icon=":material/science:"):
    st.write(f"Queue the tutorial's {runs_in_words()} on the current dataset and compare our "
             "losses with the ones it reported. They run one after another in the background; "
             "you can leave this page.")
    data = get_dataset()
    budget, size = st.columns(2)
    epochs = state.remember("tutorial_epochs", budget.number_input(
        "Epochs for every model (0: the tutorial's own)", 0, 200,
        key=state.kept("tutorial_epochs", 10)))
    train_size = size_slider(f"tutorial_train_size_{dataset_key()}", "Training images",
                             len(data.x_train), container=size)  # each dataset its own
    queue = st.session_state.get(state.TUTORIAL_QUEUE)
    if st.button("Reproduce the tutorial", type="primary", icon=":material/play_arrow:",
                 disabled=queue is not None and not queue.done):
        try:
            jobs = tutorial_jobs(data, epochs=epochs or None, train_size=train_size,
                                 store=store, slots=training_slots(),
                                 make_job=aelib.sweeps.training_job)
        except ValueError as error:  # where the trainings go: the deployment's setting
            st.error(str(error))
        else:
            for job in jobs:
                active_trainings().add(browser_id(), job, purpose="tutorial")
            st.session_state[state.TUTORIAL_QUEUE] = aelib.JobQueue(jobs).start()
            st.rerun()
    queue = st.session_state.get(state.TUTORIAL_QUEUE)
    polling = queue is not None and queue.active  # until the last run's metrics are in
    st.session_state[state.TUTORIAL_POLLING] = polling
    st.fragment(tutorial_panel, run_every=POLL_SECONDS if polling else None)()

with st.expander("Upload a model (.keras)", icon=":material/upload:"):
    upload = st.file_uploader("A model downloaded from this page or saved with "
                              "aelib.save_model_file", type=None, key="model_upload")
    if upload is not None and st.button("Open the uploaded model"):
        try:  # a model file, and data of the shape it reads
            opened = aelib.OpenedModel(aelib.load_model_bytes(upload.name, upload.getvalue()),
                                       get_dataset(), f"the file '{upload.name}'")
        except ValueError as error:
            st.error(str(error))
        else:
            open_model(opened)
            st.switch_page(ANALYSIS_PAGE)

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
st.dataframe(runs_table(store.compare([r.id for r in shown])), hide_index=True,
             width="stretch")

by_label = {r.label: r for r in shown}
picked = st.multiselect("Compare runs", list(by_label), default=list(by_label)[:2],
                        key="runs_compare")
if picked:
    curves, bars = st.columns(2)
    curves.plotly_chart(figures.runs_loss_curves(
        {label: by_label[label].history for label in picked}))
    compared = store.compare([by_label[label].id for label in picked])
    metric = bars.selectbox("Metric", shown_metrics(compared), key="runs_metric",
                            format_func=lambda name: METRICS[name].label)
    bars.plotly_chart(figures.metric_bars(compared, metric, title=METRICS[metric].axis_title))

st.subheader("One run")
label = st.selectbox("Run", list(by_label), key="runs_one")
if label:
    record = by_label[label]
    reason = f" ({record.reason})" if record.reason else ""
    st.markdown(f"**{record.status}**{reason} · {record.dataset_source}")
    details = {"hyperparameters": record.hparams, "training settings": record.settings,
               "library versions": record.versions}
    st.dataframe(pd.DataFrame(
        [{"group": group, "setting": key, "value": str(value)}
         for group, values in details.items() for key, value in values.items()]),
        hide_index=True, width="stretch")
    open_column, model_column, json_column, delete_column = st.columns(4)
    training = active_trainings().owns_run(browser_id(), record.id)
    if training is not None and open_column.button("Stop", icon=":material/stop:"):
        training.stop()  # it ends after its current call and saves what it learned
        st.rerun()
    if record.has_model:
        if open_column.button("Open in the analysis pages", icon=":material/open_in_new:"):
            try:
                open_run(store, record, f"run {record.id} from the Runs page")
            except ValueError as error:
                st.error(str(error))
            else:
                st.switch_page(ANALYSIS_PAGE)
        model_column.download_button("Model (.keras)", store.model_bytes(record.id),
                                     file_name=f"aelib-run-{record.id}.keras",
                                     icon=":material/download:", width="stretch")
    json_column.download_button("Settings and history (.json)", record.to_json(),
                                file_name=f"aelib-run-{record.id}.json",
                                icon=":material/data_object:", width="stretch")
    if delete_column.button("Delete", icon=":material/delete:",
                            disabled=record.status == "running"):
        store.delete(record.id)
        st.rerun()
