"""Autoencoder Lab: navigation and the sidebar shared by every page.

    streamlit run app.py
"""

import logging
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter
# TensorFlow's "triggered tf.function retracing" warnings: every new model traces its own
# functions, which is expected here and harmless; they only fill the terminal.
logging.getLogger("tensorflow").setLevel(logging.ERROR)

import streamlit as st  # noqa: E402

import aelib.memory  # noqa: E402
from lab.backend import preload_backend  # noqa: E402
from lab.boundary import run_guarded  # noqa: E402
from lab.identity import identify_browser  # noqa: E402
from lab.model import find_running_training  # noqa: E402
from lab.navigation import pages  # noqa: E402
from lab.session_end import watch_session  # noqa: E402
from lab.sidebar import render_sidebar  # noqa: E402
from lab.workspace import store_reachable, workspace  # noqa: E402


def keep_keras_state() -> None:
    """Stop Streamlit from calling `keras.backend.clear_session()` after every script run.

    Streamlit does that (a workaround for old Keras leaks) in a private hook. In this lab it
    would reset Keras's process-wide state while other sessions train, and each call runs a
    full garbage collection that stalls their training threads. aelib needs no such reset.
    """
    from streamlit.runtime.scriptrunner import script_runner

    if hasattr(script_runner, "_clean_problem_modules"):
        script_runner._clean_problem_modules = lambda: None


aelib.memory.tune_allocator()  # once per process, as early as the app can

st.set_page_config(page_title="Autoencoder Lab", page_icon=":material/blur_on:", layout="wide")


keep_keras_state()
watch_session()  # what the session owns is released when Streamlit drops it
page = st.navigation(pages())
workspace()  # in a shared deployment, gives the visitor a private key in the URL
identify_browser()  # an id kept in a cookie: after a reload, a person's training is still theirs
find_running_training()


def run_page() -> None:
    """The page, with an unreachable run store said in one sentence."""
    with store_reachable():  # a database down: one sentence on the page, not a traceback
        page.run()


try:
    run_guarded(run_page)  # a bug on a page is logged and said in a sentence, not a traceback
finally:  # also when the page stops early (st.stop): the sidebar shows what it just did
    render_sidebar()
preload_backend()  # Home needs no Keras; the next page will, so it loads while people read
