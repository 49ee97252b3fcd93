"""The workspace's store: an unreachable one is one sentence on the page, never a traceback."""

from streamlit.testing.v1 import AppTest

from tests.support import free_port


def unreachable_store_page(url):
    import streamlit as st

    import aelib
    from lab.workspace import store_reachable

    with store_reachable():
        aelib.RunStore(url=url).list()
        st.write("listed")


def test_an_unreachable_store_is_said_in_a_sentence_and_the_rest_not_drawn():
    url = f"postgresql://lab:secret@127.0.0.1:{free_port()}/lab"
    at = AppTest.from_function(unreachable_store_page, args=(url,)).run(timeout=60)
    assert not at.exception and not at.markdown
    [error] = at.error
    assert "cannot be reached" in error.value and "secret" not in error.value
