"""The session's dataset: a built-in one, loaded once per process and shared read-only, or the
person's own upload, which only their session sees."""

from __future__ import annotations

import streamlit as st

import aelib
from aelib.data.datasets import DEFAULT_DATASET
from lab import state

UPLOAD = "upload"  # the dataset choice that means "this session's upload"


@st.cache_resource(show_spinner="Loading the dataset...")
def _load_shared_dataset(name: str) -> aelib.Dataset:
    data = aelib.load_dataset(name)
    for array in (data.x_train, data.y_train, data.x_test, data.y_test):
        if array is not None:
            array.setflags(write=False)  # shared by every session: nobody may change it
    return data


def dataset_name() -> str:
    """The dataset this session picked (the bundled MNIST sample until it picks another)."""
    return state.setting("dataset", DEFAULT_DATASET)


def dataset_choices() -> dict[str, str]:
    """Datasets this session can pick: the built-in ones, and its own upload if it has one."""
    choices = dict(aelib.DATASETS)
    upload = st.session_state.get(state.UPLOADED_DATASET)
    if upload is not None:
        choices[UPLOAD] = f"Your upload ({upload.source.removeprefix('your upload ')})"
    return choices


def get_dataset(name: str | None = None) -> aelib.Dataset:
    """The session's dataset, or the one named.

    Raises:
        ValueError: a dataset that cannot be loaded (offline, or an upload from another session).
    """
    name = name or dataset_name()
    upload = st.session_state.get(state.UPLOADED_DATASET)
    if name == UPLOAD or (upload is not None and name == upload.name):
        if upload is None:
            raise ValueError("The uploaded dataset is gone (uploads last one session): "
                             "upload it again on Home.")
        return upload
    if name not in aelib.DATASETS:
        raise ValueError(f"The dataset {name!r} was an upload from another session; upload "
                         "it again on Home to use it.")
    return _load_shared_dataset(name)


def dataset_or_stop() -> aelib.Dataset:
    """The session's dataset; if it cannot be loaded, say why and stop the page."""
    try:
        return get_dataset()
    except ValueError as error:
        st.error(f"{error} Pick another dataset on Home.")
        st.stop()


def use_upload(data: aelib.Dataset) -> None:
    """Make a checked upload this session's dataset (a callback: it runs before the widgets)."""
    st.session_state[state.UPLOADED_DATASET] = data
    st.session_state[state.UPLOADS_USED] = st.session_state.get(state.UPLOADS_USED, 0) + 1
    state.set_setting("dataset", UPLOAD)


def checked_upload(upload, side: int | None) -> aelib.Dataset:
    """The file in Home's uploader as a `Dataset`, at `side` x `side` (None: its own size),
    read once per file and size: a rerun of the page takes the result of the first reading.

    Raises:
        ValueError: what is wrong with the file (`aelib.load_upload`), as the first time.
    """
    done = st.session_state.get(state.UPLOAD_CHECKED)
    if done is None or done[:2] != (upload.file_id, side):
        try:
            result = aelib.load_upload(upload.name, upload.getvalue(),
                                       resize=None if side is None else (side, side))
        except ValueError as error:
            result = error
        done = st.session_state[state.UPLOAD_CHECKED] = (upload.file_id, side, result)
    if isinstance(done[2], ValueError):
        raise done[2]
    return done[2]


def dataset_key() -> str:
    """A name to keep settings of the dataset in use under: a built-in dataset's name, or one
    of its own for each upload, so that a new upload starts with its own (its full size)."""
    name = dataset_name()
    return f"{UPLOAD}{st.session_state.get(state.UPLOADS_USED, 0)}" if name == UPLOAD else name
