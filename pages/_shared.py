"""What every page of the lab shares: the session's dataset and model, settings that survive a
page change, widgets generated from parameter specs, and the "train a model first" notice.

Everything a person trains or computes lives in `st.session_state`; only the bundled, read-only
datasets and model summaries (derived from hyperparameters alone) are cached process-wide.
"""

from __future__ import annotations

import concurrent.futures
import os
import re
import secrets
import urllib.parse

import streamlit as st

import aelib

SETTING_PREFIX = "cfg_"
WIDGET_PREFIX = "_widget_"
DEFAULT_DATASET = "bundled"
TRAIN_PAGE = "pages/train.py"
PRIVATE_WORKSPACES = "AELIB_PRIVATE_WORKSPACES"
MAX_TRAININGS = "AELIB_MAX_TRAININGS"
DEFAULT_MAX_TRAININGS = 2
WORKSPACE_PARAM = "workspace"
WORKSPACE_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def keep_keras_state() -> None:
    """Stop Streamlit from calling `keras.backend.clear_session()` after every script run.

    Streamlit does that (a workaround for old Keras leaks) in a private hook. In this lab it
    would reset Keras's process-wide state while other sessions train, and each call runs a
    full garbage collection that stalls their training threads. aelib needs no such reset.
    """
    from streamlit.runtime.scriptrunner import script_runner

    if hasattr(script_runner, "_clean_problem_modules"):
        script_runner._clean_problem_modules = lambda: None


def kept(setting: str, default) -> str:
    """The widget key for a setting that must survive page changes, seeded with its value.

    Streamlit drops a widget's state when its page is not shown, so the value itself lives in
    plain session state under `setting` (see `remember`), and the widget's own key is seeded
    from it whenever the widget comes back.
    """
    widget = WIDGET_PREFIX + setting
    if widget not in st.session_state:
        st.session_state[widget] = st.session_state.get(setting, default)
    return widget


def remember(setting: str, value):
    """Keep a widget's `value` as the setting's value; returns it."""
    st.session_state[setting] = value
    return value


def set_setting(setting: str, value) -> None:
    """Change a setting from code (a callback, a button): its widget picks the value up."""
    st.session_state[setting] = value
    st.session_state.pop(WIDGET_PREFIX + setting, None)


@st.cache_resource(show_spinner="Loading the dataset...")
def _load_shared_dataset(name: str):
    data = aelib.load_dataset(name)
    for array in (data.x_train, data.y_train, data.x_test, data.y_test):
        if array is not None:
            array.setflags(write=False)  # shared by every session: nobody may change it
    return data


UPLOAD = "upload"


def dataset_name() -> str:
    """The dataset this session picked (the bundled MNIST sample until it picks another)."""
    return st.session_state.get(f"{SETTING_PREFIX}dataset", DEFAULT_DATASET)


def dataset_choices() -> dict[str, str]:
    """Datasets this session can pick: the built-in ones, and its own upload if it has one."""
    choices = dict(aelib.DATASETS)
    upload = st.session_state.get("upload_dataset")
    if upload is not None:
        choices[UPLOAD] = f"Your upload ({upload.source.removeprefix('your upload ')})"
    return choices


def get_dataset(name: str | None = None):
    """The session's dataset (or the one named): a built-in one, loaded once per process and
    shared read-only, or this session's own upload, which only this session sees."""
    name = name or dataset_name()
    upload = st.session_state.get("upload_dataset")
    if name == UPLOAD or (upload is not None and name == upload.name):
        if upload is None:
            raise ValueError("The uploaded dataset is gone (uploads last one session): "
                             "upload it again on Home.")
        return upload
    if name not in aelib.DATASETS:
        raise ValueError(f"The dataset {name!r} was an upload from another session; upload "
                         "it again on Home to use it.")
    return _load_shared_dataset(name)


def workspace() -> str:
    """Whose runs this session sees.

    On a personal machine, one workspace holds every run. With `AELIB_PRIVATE_WORKSPACES=1`
    (a shared deployment), each visitor gets a private random key kept in the page URL, so a
    reload or a bookmark finds the same runs and nobody else sees them.
    """
    if os.environ.get(PRIVATE_WORKSPACES, "") not in ("1", "true", "yes"):
        return aelib.runs.DEFAULT_WORKSPACE
    key = st.session_state.get("workspace") or st.query_params.get(WORKSPACE_PARAM, "")
    if not WORKSPACE_KEY.match(key):
        key = secrets.token_urlsafe(18)
    st.session_state["workspace"] = key
    if st.query_params.get(WORKSPACE_PARAM) != key:  # page changes drop query parameters
        st.query_params[WORKSPACE_PARAM] = key
    return key


def run_store():
    """This session's view of the run store: its workspace's runs only."""
    return aelib.RunStore(workspace=workspace())


@st.cache_resource
def training_slots():
    """The process-wide limit on trainings at once (`AELIB_MAX_TRAININGS`, default 2): shared
    by every session, it holds no one's data."""
    return aelib.jobs.TrainingSlots(int(os.environ.get(MAX_TRAININGS, DEFAULT_MAX_TRAININGS)))


def current_job():
    """The session's training job (the current model), or None."""
    return st.session_state.get("job")


def start_job(ae, data, settings: dict) -> None:
    """Start training `ae` in the background as this session's job, replacing the last one."""
    old = current_job()
    if old is not None:
        old.stop()
    st.session_state["results"] = {}
    st.session_state["job"] = aelib.TrainingJob(
        ae, data, settings, data.x_test[:10], store=run_store(), slots=training_slots(),
        after_training=aelib.analysis.code_analysis).start()


def open_job(job) -> None:
    """Make an already finished job (a stored or uploaded model) this session's model."""
    old = current_job()
    if old is not None:
        old.stop()
    st.session_state["results"] = {}
    st.session_state["job"] = job


def require_model():
    """Return the session's finished job, or explain what is missing, link to Train and stop."""
    job = current_job()
    if job is None:
        st.info("This page shows what a trained model learned, and there is no model yet. "
                "Train one first: it takes a few seconds.")
        st.page_link(TRAIN_PAGE, label="Go to Train", icon=":material/model_training:")
        st.stop()
    snapshot = job.snapshot()
    if not snapshot.done:
        st.info(f"A model is still training ({snapshot.fraction:.0%} done). "
                "Come back when it has finished.")
        st.page_link(TRAIN_PAGE, label="Watch it train", icon=":material/model_training:")
        st.stop()
    return job


def memo(name: str, compute):
    """`compute()` once per trained model and session (e.g. its t-SNE map), then reused.

    `start_job` empties the store, so results never outlive their model.
    """
    store = st.session_state.setdefault("results", {})
    if name not in store:
        store[name] = compute()
    return store[name]


def analysed(job, name: str, compute, waiting: str | None = None):
    """`memo(name, compute)`, but taking what the job's background analysis
    (`aelib.analysis.code_analysis`, started when training ended) made under the same name when
    it made it. With `waiting`, a spinner text, waits for that analysis to finish; without,
    computes at once unless it is ready."""
    def from_background_or_compute():
        background = job.analysis
        if not background.done() and waiting is not None:
            with st.spinner(waiting):
                concurrent.futures.wait([background])
        if background.done() and background.exception() is None \
                and name in background.result():
            return background.result()[name]
        return compute()

    return memo(name, from_background_or_compute)


def test_codes(job):
    """The codes of the job's test images, computed once per model (or in the background)."""
    return analysed(job, "test_codes", lambda: job.ae.encode(job.data.x_test))


CANVAS_PIXELS = 280


def draw_a_digit(job, key: str, noise_factor: float = 0.0) -> None:
    """A drawing canvas, and what the model makes of the drawing: the MNIST-style digit (with
    noise on top when `noise_factor` > 0), its reconstruction, its code, the test images
    nearest in code space and, for the VAE, its place on the latent plane."""
    from streamlit_drawable_canvas import st_canvas

    ae, data = job.ae, job.data
    canvas_column, result_column = st.columns([1, 2])
    with canvas_column:
        drawn = st_canvas(stroke_width=22, stroke_color="#FFFFFF", background_color="#000000",
                          height=CANVAS_PIXELS, width=CANVAS_PIXELS, drawing_mode="freedraw",
                          return_image_data=True, key=key)
        st.caption("Draw with the mouse or a finger; the bin icon clears the canvas.")
    try:
        if drawn.image_data is None:  # the browser has not sent a drawing yet
            raise ValueError("nothing drawn")
        digit = aelib.drawing.digit_from_drawing(drawn.image_data, data.image_shape)
    except ValueError:
        result_column.info("Draw a digit on the black square: it is centred and scaled like "
                           "MNIST's digits, then encoded and decoded.")
        return
    shown = aelib.add_noise(digit[None], noise_factor, seed=0) if noise_factor else digit[None]
    code = ae.encode(shown)
    rows = {"noisy" if noise_factor else "yours, as MNIST": shown, "reconstructed":
            ae.decode(code)}
    result_column.plotly_chart(aelib.figures.image_rows(rows), key=f"{key}_digit")
    result_column.plotly_chart(aelib.figures.code_images(code, title="Its code"),
                               key=f"{key}_code")
    nearest = aelib.analysis.nearest_codes(test_codes(job), code[0], k=8)
    st.plotly_chart(aelib.figures.image_rows(
        {"nearest": data.x_test[nearest]}, column_labels=[f"#{i}" for i in nearest],
        title="The test images nearest to it in code space"), key=f"{key}_nearest")
    if ae.architecture == "vae":
        st.plotly_chart(aelib.figures.latent_scatter(test_codes(job), data.y_test,
                                                     title="Its place on the latent plane",
                                                     marked=code[0]), key=f"{key}_plane")


def spec_widget(spec, setting: str, label: str | None = None):
    """A widget for one `aelib.ParamSpec`, kept across pages as `setting`; returns its value,
    not yet validated. Lists are typed as comma-separated numbers; the spec's validation
    explains mistakes.
    """
    label = label or spec.name.replace("_", " ")
    default = ", ".join(map(str, spec.default)) if spec.kind == "int_list" else spec.default
    key, helptext = kept(setting, default), f"{spec.help} Allowed: {spec.allowed()}."
    if spec.kind == "choice":
        return remember(setting, st.selectbox(label, spec.choices, key=key, help=helptext))
    if spec.kind == "int_list":
        text = remember(setting, st.text_input(label, key=key, help=helptext))
        try:
            return tuple(int(part) for part in text.split(",") if part.strip())
        except ValueError:
            return text  # invalid: the spec's validation words the error
    if spec.kind == "int":
        return remember(setting, st.number_input(
            label, min_value=int(spec.low), max_value=int(spec.high), step=1, key=key,
            help=helptext))
    return remember(setting, st.number_input(
        label, min_value=float(spec.low), max_value=float(spec.high),
        step=(spec.default or 1.0) / 10, format="%.1e" if spec.log_scale else "%.2f", key=key,
        help=helptext))


LINK_QUERY = "link_query"  # the query parameters this session last read or wrote


def setting_values(setup) -> dict:
    """An `aelib.links.Setup` as this lab's settings (`cfg_*` keys), in the widgets' forms."""
    name = setup.architecture
    specs = {spec.name: spec for spec in aelib.REGISTRY[name].params}
    hparams = {f"{SETTING_PREFIX}{name}_{key}": ", ".join(map(str, value))
               if specs[key].kind == "int_list" else value
               for key, value in setup.hparams.items()}
    training = dict(setup.training)
    rate = training.pop("learning_rate")
    return {f"{SETTING_PREFIX}arch": name, f"{SETTING_PREFIX}dataset": setup.dataset,
            f"{SETTING_PREFIX}train_size": setup.train_size,
            f"{SETTING_PREFIX}learning_rate_{training['optimizer']}": rate,
            **hparams, **{f"{SETTING_PREFIX}{key}": value for key, value in training.items()}}


def apply_link() -> list[str]:
    """If the page was opened from an experiment link (or its URL was edited by hand), make
    that setup this session's settings. Returns notices on values that fell back to defaults."""
    query = {key: st.query_params[key] for key in st.query_params if key != WORKSPACE_PARAM}
    if not query or query == st.session_state.get(LINK_QUERY):
        return []
    setup, notices = aelib.links.from_query(query)
    for setting, value in setting_values(setup).items():
        set_setting(setting, value)
    st.session_state[LINK_QUERY] = query
    return notices


def share_link(setup) -> str:
    """Put `setup` in the page's URL and return the whole link, to copy and send."""
    query = aelib.links.to_query(setup)
    for key in list(st.query_params):
        if key not in query and key != WORKSPACE_PARAM:
            del st.query_params[key]
    if {key: st.query_params.get(key) for key in query} != query:
        st.query_params.update(query)
    st.session_state[LINK_QUERY] = query
    base = (st.context.url or "").split("?")[0]
    return f"{base}?{urllib.parse.urlencode(query)}"


def render_sidebar() -> None:
    """The sidebar on every page: the dataset in use and the state of the session's model."""
    with st.sidebar:
        st.caption("Dataset")
        st.write(dataset_choices().get(dataset_name(), dataset_name()))
        job = current_job()
        st.caption("Model")
        if job is None:
            st.write("none yet")
            return
        snapshot = job.snapshot()
        title = aelib.REGISTRY[job.ae.architecture].title
        state = {"queued": f"waiting to train (place {snapshot.queue_position})",
                 "running": f"training, {snapshot.fraction:.0%}",
                 "finished": "trained", "stopped": "stopped early, kept",
                 "failed": "failed", "cancelled": "cancelled"}[snapshot.status]
        st.write(f"{title}: {state}")
        if snapshot.history.get("val_loss"):
            st.write(f"val loss {snapshot.history['val_loss'][-1]:.4f} "
                     f"after {len(snapshot.history['val_loss'])} epochs")


@st.cache_data(show_spinner=False)
def model_summary(name: str, hparams: tuple, image_shape: tuple = (28, 28)):
    """The layer table and sizes of an architecture with these hyperparameters (a tuple of
    pairs). Shared across sessions: it depends on the hyperparameters alone.

    Raises:
        ValueError: invalid hyperparameters, with the spec's explanation.
    """
    return aelib.build(name, image_shape=image_shape, **dict(hparams)).summary()
