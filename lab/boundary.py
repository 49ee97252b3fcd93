"""The page boundary: the last line of defence against a traceback on a page.

Every input a page reads is checked where it enters, and a bad one is said in a sentence there.
What slips through anyway (a bug) is caught here: logged with its traceback for whoever runs
the lab, and shown to the visitor as one sentence, never as a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

LOG = logging.getLogger("aelib.app")
FAILURE = ("Something went wrong on this page; it was logged for whoever runs this lab. "
           "Reload the page or go back to Home; your runs are kept.")


def run_guarded(run_page: Callable[[], None]) -> None:
    """Run `run_page`; an exception it raises (not Streamlit's own stop and rerun, which are
    no `Exception`) is logged and shown as `FAILURE`."""
    try:
        run_page()
    except Exception:
        LOG.exception("A page failed")
        st.error(FAILURE, icon=":material/error:")
