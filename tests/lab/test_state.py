"""Session-state keys: one list, no two alike; settings and their widgets' keys."""

from streamlit.testing.v1 import AppTest

from lab import state


def test_every_session_key_is_its_own():
    keys = [value for name, value in vars(state).items()
            if name.isupper() and isinstance(value, str) and not name.endswith("PREFIX")]
    assert len(keys) == len(set(keys)), sorted(keys)


def remembering_page():
    import streamlit as st

    from lab import state

    st.number_input("epochs", key=state.kept("epochs", 5))
    state.remember("epochs", st.session_state[state.WIDGET_PREFIX + state.setting_key("epochs")])
    if st.button("ten"):
        state.set_setting("epochs", 10)
        st.rerun()


def test_a_setting_seeds_its_widget_and_a_change_from_code_reaches_it():
    at = AppTest.from_function(remembering_page).run()
    assert at.number_input[0].value == 5 and at.session_state["cfg_epochs"] == 5
    at.number_input[0].set_value(7).run()
    assert at.session_state["cfg_epochs"] == 7
    at.button[0].click().run()
    assert at.number_input[0].value == 10 and at.session_state["cfg_epochs"] == 10
