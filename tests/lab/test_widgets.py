"""Widgets from specs: each kind of spec as its widget, remembered as a setting; a training
size slider that brings a remembered value inside its range."""

from streamlit.testing.v1 import AppTest


def spec_page():
    import aelib
    from aelib.params import ParamSpec
    from lab.widgets import size_slider, spec_widget

    filters = ParamSpec("filters", (16, 8), "Filters per level.", kind="int_list", low=1,
                        high=256)
    spec_widget(filters, "conv_filters")
    spec_widget(aelib.settings.training_spec("optimizer"), "optimizer")
    size_slider("train_size", "training images", 1000)


def test_a_list_spec_is_a_text_of_numbers_and_a_choice_a_selectbox():
    at = AppTest.from_function(spec_page).run()
    assert at.text_input[0].value == "16, 8" and at.session_state["cfg_conv_filters"] == "16, 8"
    assert at.selectbox[0].options[0] == "adam" and at.session_state["cfg_optimizer"] == "adam"
    at.text_input[0].set_value("32, 4").run()
    assert at.session_state["cfg_conv_filters"] == "32, 4"


def test_a_remembered_size_above_the_data_is_brought_inside_the_slider():
    at = AppTest.from_function(spec_page)
    at.session_state["cfg_train_size"] = 5000  # from a link, or a larger dataset before
    at.run()
    assert not at.exception
    assert at.slider[0].value == 1000 and at.session_state["cfg_train_size"] == 1000
