"""The session's dataset: the bundled sample by default, and a gone upload said in words."""

from streamlit.testing.v1 import AppTest


def dataset_page():
    import streamlit as st

    from lab.data import dataset_or_stop

    data = dataset_or_stop()
    st.write(data.name)


def test_a_new_session_uses_the_bundled_sample():
    at = AppTest.from_function(dataset_page).run()
    assert [m.value for m in at.markdown] == ["bundled"]


def test_an_upload_of_another_session_is_said_and_the_page_stops():
    at = AppTest.from_function(dataset_page)
    at.session_state["cfg_dataset"] = "upload:theirs.npz"
    at.run()
    assert not at.exception and not at.markdown
    assert at.error[0].value == ("The dataset 'upload:theirs.npz' was an upload from another "
                                 "session; upload it again on Home to use it. Pick another "
                                 "dataset on Home.")
