"""The model in hand: its results computed once per model (the pages without one are walked in
tests/app/test_pages.py, as `st.page_link` needs the app's pages)."""

from streamlit.testing.v1 import AppTest


def analysis_page():
    import streamlit as st

    from lab.model import memo, require_model

    model = require_model()
    st.write(str(memo("answer", lambda: st.session_state.setdefault("computed", 0) + 1)))
    st.write(model.describe())


def test_with_a_model_in_hand_its_results_are_computed_once(small_data):
    import aelib

    at = AppTest.from_function(analysis_page)
    at.session_state["model"] = aelib.OpenedModel(aelib.build("dense"), small_data, "run 3")
    at.run()
    at.session_state["computed"] = 41  # a second computation would now give 42
    at.run()
    assert [m.value for m in at.markdown] == ["1", "run 3: training history unknown"]
