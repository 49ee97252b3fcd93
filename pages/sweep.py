"""Sweep: architectures x values of one or two parameters x seeds, trained from one page; then
the metric against the parameter, and every run's reconstructions side by side."""

import pandas as pd
import streamlit as st

import aelib
from aelib.sweeps import figures as sweep_figures, local as sweeps
from aelib.explore.metrics import METRICS, MODEL_METRICS, SCORECARD
from aelib.sweeps.studies import STUDIES
from aelib.sweeps.plan import (
    SEED,
    estimate_seconds,
    make_plan,
    parameter_specs,
    values_from_text,
    values_to_text,
)
from lab import state
from lab.data import dataset_key, dataset_or_stop
from lab.links import apply_sweep_link, load_sweep, share_sweep
from lab.model import open_run
from lab.navigation import ANALYSIS_PAGE, RUNS_PAGE
from lab.widgets import size_slider, spec_widget
from lab.workspace import run_store, training_slots

POLL_SECONDS = 1.0
SHOWN_IMAGES = 8


def live_panel(handle) -> None:
    """Progress of every run of the session's sweep, while it runs."""
    snapshots = handle.snapshots()
    st.progress(handle.fraction, text=f"Sweep {handle.id}: "
                f"{sum(s.done for s in snapshots)} of {len(snapshots)} runs ended")
    st.dataframe(pd.DataFrame(sweeps.progress_rows(handle)), hide_index=True, width="stretch")
    if handle.message:
        st.error(handle.message)
    histories = {point.label: s.history for point, s in zip(handle.points, snapshots, strict=True)
                 if s.history}
    if histories:
        st.plotly_chart(aelib.explore.figures.runs_loss_curves(histories), key="sweep_curves")
    if handle.done and st.session_state.get(state.SWEEP_POLLING):
        st.session_state[state.SWEEP_POLLING] = False
        st.rerun()  # the whole page: buttons and results see that the sweep ended


def results_panel(record, store: aelib.RunStore, data: aelib.Dataset) -> None:
    """The stored results of a sweep in `store`: the metric figure, reconstructions of `data`'s
    test images, open a run."""
    record = next((s for s in store.sweeps() if s.id == record.id), record)  # its progress now
    plan = sweeps.stored_plan(record)
    records = sorted(store.list(record.id), key=lambda run: run.id)
    st.caption(f"Sweep {record.id}: {record.status}, {len(records)} of {plan.size} runs, "
               f"on {record.engine}.")
    rows = sweeps.results(plan, records)
    scored = [name for name in SCORECARD if any(row.get(name) is not None for row in rows)]
    metric = st.selectbox("Metric", [name for name in MODEL_METRICS
                                     if name not in SCORECARD or name in scored],
                          key="sweep_metric", format_func=lambda name: METRICS[name].label)
    st.plotly_chart(sweep_figures.metric_against_parameter(rows, plan, metric),
                    key="sweep_metric_figure")
    if scored:  # runs on the coloured shapes: the disentanglement study
        st.plotly_chart(sweep_figures.metrics_against_parameter(rows, plan,
                                                                [*scored, "test_loss"]),
                        key="sweep_scorecard")
        st.caption("The scorecard of every run (`aelib.disentanglement`, on the encoder's "
                   "means of 5,000 fresh images) beside its test loss: the trade-off. The "
                   "FactorVAE and β-VAE scores are added in the background after each run.")
        st.plotly_chart(sweep_figures.seed_variance_share(rows, plan, scored),
                        key="sweep_seed_share")
    images = data.x_test[:SHOWN_IMAGES]
    made = st.session_state.setdefault(state.SWEEP_RECONSTRUCTIONS, {}).setdefault(data.name,
                                                                                  {})
    shown = sweeps.reconstructions(store, plan, records, images, known=made)
    made.update(shown)
    by_label = {sweeps.run_label(plan, r): r for r in records}
    gone = [label for label in by_label if label not in shown]
    if gone:
        st.caption(f"No model to show for {', '.join(gone)} (not saved, or damaged).")
    if shown:
        st.plotly_chart(sweep_figures.reconstructions_side_by_side(images, shown),
                        key="sweep_side_by_side")
        label = st.selectbox("Run", list(shown), key="sweep_open_run")
        if st.button("Open in the analysis pages", icon=":material/open_in_new:"):
            chosen = by_label[label]
            open_run(store, chosen, f"run {chosen.id} of sweep {record.id}")
            st.switch_page(ANALYSIS_PAGE)
    st.page_link(RUNS_PAGE, label="Every run, on Runs", icon=":material/history:")


st.title("Sweep")
for notice in apply_sweep_link():
    st.warning(f"This sweep link had a value that could not be used: {notice}")
with st.expander("Ready-made studies", icon=":material/science:"):
    for study in STUDIES.values():
        st.write(f"**{study.title}**: {study.question}")
        st.button(f"Set up the {study.title}", key=f"study_{study.title}", on_click=load_sweep,
                  args=(study.plan,))
data = dataset_or_stop()
store = run_store()

architectures = state.remember("sweep_architectures", st.multiselect(
    "Architectures", aelib.ARCHITECTURES, key=state.kept("sweep_architectures", ["dense"]),
    format_func=lambda name: aelib.REGISTRY[name].title))
if not architectures:
    st.info("Choose at least one architecture.")
    st.stop()
specs = parameter_specs(architectures)
vary = state.remember("sweep_vary", st.multiselect(
    "Vary (one or two parameters)", list(specs), max_selections=2,
    key=state.kept("sweep_vary", ["encoding_dim"] if "encoding_dim" in specs else ["epochs"])))
grid_column, settings_column = st.columns(2)
try:
    with grid_column:
        grid = {name: values_from_text(specs[name], state.remember(
            f"sweep_values_{name}", st.text_input(f"{name} values", key=state.kept(
                f"sweep_values_{name}", values_to_text(
                specs[name][0], [specs[name][0].default])),
            help=f"{specs[name][0].help} Separate values with commas (with semicolons between "
                 f"lists). Allowed: {specs[name][0].allowed()}."))) for name in vary}
        seeds = values_from_text([SEED], state.remember("sweep_seeds", st.text_input(
            "seeds", key=state.kept("sweep_seeds", "0,1"), help="Every point runs once per seed: "
            "the spread shows as error bars.")))
    with settings_column:
        settings = {name: spec_widget(specs[name][0], f"sweep_{name}") for name in specs
                    if name not in vary and name not in ("learning_rate", "train_size")}
        available = len(data.x_train)
        if "train_size" not in vary:  # a sweep's runs are many: 2,000 images each at first
            settings["train_size"] = size_slider(f"sweep_train_size_{dataset_key()}",
                                                 "training images", available,
                                                 default=min(2000, available))
        st.caption("The learning rate is each optimizer's default unless varied; other "
                   "hyperparameters keep their defaults.")
    plan = make_plan(architectures, grid, seeds=seeds, settings=settings, dataset=data.name)
    plan.check_training_images(len(data.x_train))  # said here, before Start is offered
    address = sweeps.ray_address()
    engine = sweeps.ray_engine(address) if address else sweeps.LocalEngine(training_slots())
    parallel = engine.parallel_runs()
except ValueError as error:
    st.error(str(error))
    st.stop()

minutes = estimate_seconds(plan, len(data.x_train), store.list(), parallel) / 60
runs_metric, time_metric = st.columns(2)
runs_metric.metric("Runs", plan.size)
time_metric.metric("Estimated time", f"{minutes:.0f} min" if minutes >= 1 else "under a minute")
if address:
    st.caption(f"Runs go to the Ray cluster at {address} ({parallel} at once); this app keeps "
               "the results.")
if data.name in aelib.DATASETS:  # an upload stays in its session: no link
    with st.expander("Share this sweep", icon=":material/link:"):
        st.code(share_sweep(plan), language=None, wrap_lines=True)

handle = st.session_state.get(state.SWEEP)
running = handle is not None and not handle.done
start, stop, _ = st.columns([1, 1, 6])
if start.button("Start the sweep", type="primary", disabled=running,
                icon=":material/play_arrow:"):
    st.session_state[state.SWEEP] = aelib.sweep(data, plan.architectures, plan.grid,
                                                seeds=plan.seeds, settings=plan.settings,
                                                store=store, engine=engine)
    st.rerun()
if stop.button("Stop", disabled=not running, icon=":material/stop:"):
    handle.stop()

st.session_state[state.SWEEP_POLLING] = running
if handle is not None:
    st.fragment(live_panel, run_every=POLL_SECONDS if running else None)(handle)
stored = {sweeps.sweep_label(record): record for record in store.sweeps()}
if stored:
    st.subheader("Results")
    chosen = st.selectbox("Sweep", list(stored), key="sweep_shown")
    # Polled also while a sweep started elsewhere (another replica) runs: its progress is in
    # the store.
    polled = running or stored[chosen].status == "running"
    st.fragment(results_panel, run_every=POLL_SECONDS if polled else None)(stored[chosen], store,
                                                                     data)
