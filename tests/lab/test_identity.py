"""The browser id: 32 hex characters, kept for the session, another for another session."""

import re

from streamlit.testing.v1 import AppTest


def identity_page():
    import streamlit as st

    from lab.identity import browser_id, identify_browser

    identify_browser()
    st.write(browser_id())


def test_a_session_gets_an_id_of_its_own_that_stays_across_reruns():
    first = AppTest.from_function(identity_page).run()
    [shown] = [m.value for m in first.markdown]
    assert re.fullmatch(r"[0-9a-f]{32}", shown)
    first.run()
    assert [m.value for m in first.markdown] == [shown]
    other = AppTest.from_function(identity_page).run()
    assert [m.value for m in other.markdown] != [shown]
