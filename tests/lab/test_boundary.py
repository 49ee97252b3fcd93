"""The page boundary: a bug on a page is logged and shown as one sentence, never a traceback;
Streamlit's own stop passes through."""

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.app


def failing_page():
    import streamlit as st

    from lab.boundary import run_guarded

    def page():
        st.write("before")
        {}["missing"]  # a bug: KeyError

    run_guarded(page)
    st.write("after")


def stopping_page():
    import streamlit as st

    from lab.boundary import run_guarded

    run_guarded(st.stop)
    st.write("never")


def test_a_bug_on_a_page_is_one_sentence_and_the_rest_of_the_app_still_draws(caplog):
    at = AppTest.from_function(failing_page).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Something went wrong on this page; it was logged for whoever runs this lab. "
        "Reload the page or go back to Home; your runs are kept."]
    assert [m.value for m in at.markdown] == ["before", "after"]
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records
               if r.name == "aelib.app")


def test_streamlit_s_stop_is_no_failure():
    at = AppTest.from_function(stopping_page).run()
    assert not at.exception and not at.error and not at.markdown
