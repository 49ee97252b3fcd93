"""The sidebar: the dataset in use and the model in hand, in words."""

from streamlit.testing.v1 import AppTest


def sidebar_page():
    from lab.sidebar import render_sidebar

    render_sidebar()


def test_a_new_session_s_sidebar_names_the_bundled_sample_and_no_model():
    at = AppTest.from_function(sidebar_page).run()
    shown = [m.value for m in at.sidebar.markdown]
    assert shown == ["MNIST sample (bundled, offline)", "none yet"]
    assert [c.value for c in at.sidebar.caption] == ["Dataset", "Model"]


def test_it_names_another_dataset_when_one_is_picked():
    at = AppTest.from_function(sidebar_page)
    at.session_state["cfg_dataset"] = "shapes"
    at.run()
    assert at.sidebar.markdown[0].value == "Coloured shapes, 32x32 (generated, offline)"
