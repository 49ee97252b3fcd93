"""Whose runs a session sees, and the process-wide limit on trainings at once."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

import aelib
from aelib.runs.store import DEFAULT_WORKSPACE, StoreUnavailable
from lab import state

PRIVATE_WORKSPACES = "AELIB_PRIVATE_WORKSPACES"  # "1": each visitor gets a private workspace
MAX_TRAININGS = "AELIB_MAX_TRAININGS"  # trainings at once in the process
DEFAULT_MAX_TRAININGS = 2  # for a small machine
WORKSPACE_PARAM = "workspace"  # the URL query parameter holding a private workspace key
WORKSPACE_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def workspace() -> str:
    """Whose runs this session sees.

    On a personal machine, one workspace holds every run. With `AELIB_PRIVATE_WORKSPACES=1`
    (a shared deployment), each visitor gets a private random key kept in the page URL, so a
    reload or a bookmark finds the same runs and nobody else sees them.
    """
    if os.environ.get(PRIVATE_WORKSPACES, "") not in ("1", "true", "yes"):
        return DEFAULT_WORKSPACE
    key = st.session_state.get(state.WORKSPACE) or st.query_params.get(WORKSPACE_PARAM, "")
    if not WORKSPACE_KEY.match(key):
        key = secrets.token_urlsafe(18)
    st.session_state[state.WORKSPACE] = key
    if st.query_params.get(WORKSPACE_PARAM) != key:  # page changes drop query parameters
        st.query_params[WORKSPACE_PARAM] = key
    return key


def run_store() -> aelib.RunStore:
    """This session's view of the run store: its workspace's runs only."""
    return aelib.RunStore(workspace=workspace())


@contextmanager
def store_reachable() -> Iterator[None]:
    """Run a page; if the run store cannot be reached (its database restarting), the page
    says so in one sentence instead of a traceback, and the next rerun tries again."""
    try:
        yield
    except StoreUnavailable as error:
        st.error(str(error), icon=":material/cloud_off:")


@st.cache_resource
def training_slots() -> aelib.TrainingSlots:
    """The process-wide limit on trainings at once (`AELIB_MAX_TRAININGS`, default 2): shared
    by every session, it holds no one's data. With several replicas of the app, each replica
    has its own limit."""
    return aelib.TrainingSlots(int(os.environ.get(MAX_TRAININGS, DEFAULT_MAX_TRAININGS)))


@st.cache_resource
def active_trainings() -> aelib.jobs.active.ActiveTrainings:
    """The trainings running in this process, by the browser that started them, so that a
    person finds theirs again after a reload. Process-wide, but it holds them weakly: once a
    training ends, it keeps nothing of anyone's."""
    return aelib.jobs.active.ActiveTrainings()
