"""What one person's session keeps, and settings that survive a page change.

Every key this lab reads or writes in `st.session_state` is named here, once, with what it
holds; pages use these names, never bare strings. Streamlit drops a widget's state when its page
is not shown, so a setting the lab must remember (the architecture, each hyperparameter, the
training settings) lives under its own key, `setting_key(name)`, and its widget's key is seeded
from it whenever the widget comes back (`kept`, `remember`, `set_setting`).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

# The model in hand: an `aelib.TrainingJob` (training, or trained in this session) or an
# `aelib.OpenedModel` (a stored run or an uploaded file).
MODEL = "model"
# {name: result} of the analysis pages for MODEL (codes, maps, baselines); emptied with it.
RESULTS = "results"
# Why the dataset picked last could not be loaded (Home shows it once).
DATASET_ERROR = "dataset_error"
# The person's own `aelib.Dataset`, from Home's uploader: this session only.
UPLOADED_DATASET = "uploaded_dataset"
# How many uploads this session has made its dataset: each is a new dataset, whose settings
# (its training-set size) start afresh (`lab.data.dataset_key`).
UPLOADS_USED = "uploads_used"
# (file id, size asked for, the Dataset or the ValueError) of the file last in Home's uploader:
# a file is read once, not again on every rerun of the page.
UPLOAD_CHECKED = "upload_checked"
# This browser's id (see `lab.identity`), and the key of the component that writes its cookie.
BROWSER_ID = "browser_id"
BROWSER_COOKIE = "browser_cookie"
# Whose runs this session sees (a private key in shared deployments, see `lab.workspace`).
WORKSPACE = "workspace"
# The experiment link's query parameters this session last read or wrote.
LINK_QUERY = "link_query"
# Set by Home's one-click start: the Train page starts training when it opens.
AUTOSTART = "autostart"
# {setting name: value} the Train page's training presets gave and the learner has not
# changed since: those settings follow the architecture picked (see `lab.presets`).
PRESET_GIVEN = "preset_given"
# (in progress, active) of the model in hand when the Train page last ran: its buttons and
# its live panel's polling follow them, and the page runs again when either changes.
POLLING = "polling"
# The Runs page's queue of the tutorial's experiments (an `aelib.JobQueue`), and whether its
# panel is polling it.
TUTORIAL_QUEUE = "tutorial_queue"
TUTORIAL_POLLING = "tutorial_polling"
# The Anomalies page's own training (a run of its own, registered: a reload finds it) and its
# report; the classes it held out are those missing from its training images.
ANOMALY_JOB = "anomaly_job"
ANOMALY_REPORT = "anomaly_report"
# The Sweep page: the session's sweep (an `aelib.Sweep`), whether its panel is polling it, the
# sweep link's query parameters it last read or wrote, and the reconstructions made for its
# results ({dataset name: {run label: images}}).
SWEEP = "sweep"
SWEEP_POLLING = "sweep_polling"
SWEEP_LINK_QUERY = "sweep_link_query"
SWEEP_RECONSTRUCTIONS = "sweep_reconstructions"
# The Generate page: the latent sliders (a click on the latent plane sets the first two).
LATENT_SLIDER = "z_{}"  # .format(dimension)
# The Latent lab page: the test image traversed, around its code or the codes' mean,
# whether the scorecard includes the interventional scores, whether the kept scorecard is
# polled (while they are computed in the background), and the epoch replayed.
TRAVERSAL_IMAGE = "traversal_image"
TRAVERSAL_CENTRE = "traversal_centre"
SCORECARD_INTERVENTIONAL = "scorecard_interventional"
SCORECARD_POLLING = "scorecard_polling"
REPLAY_EPOCH = "replay_epoch"  # the epoch its replay shows
# The draw-a-digit canvases: {canvas key: times its "Clear" button was pressed}.
CANVAS_CLEARS = "canvas_clears"

SETTING_PREFIX = "cfg_"  # a remembered setting: cfg_<name>
WIDGET_PREFIX = "_widget_"  # its widget's own key: _widget_cfg_<name>


def setting_key(name: str) -> str:
    """The session key of a remembered setting, e.g. "cfg_epochs"."""
    return SETTING_PREFIX + name


def setting(name: str, default: Any = None) -> Any:
    """A remembered setting's value, or `default` when it was never set."""
    return st.session_state.get(setting_key(name), default)


def kept(name: str, default: Any) -> str:
    """The widget key for setting `name`, seeded with the setting's value (or `default`)."""
    widget = WIDGET_PREFIX + setting_key(name)
    if widget not in st.session_state:
        st.session_state[widget] = setting(name, default)
    return widget


def remember(name: str, value: Any) -> Any:
    """Keep a widget's `value` as setting `name`; returns it."""
    st.session_state[setting_key(name)] = value
    return value


def set_setting(name: str, value: Any) -> None:
    """Change setting `name` from code (a callback, a button): its widget picks the value up."""
    st.session_state[setting_key(name)] = value
    st.session_state.pop(WIDGET_PREFIX + setting_key(name), None)
