"""A reload in the middle of a training: the person finds it again, live, and stops it; another
person does not find it."""

import re

import pytest

from tests.support.browser import (app_in_chromium, open_page, button, go_to, pick_architecture,
                                   require_chromium, set_number)

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.app]


def sidebar(page):
    return page.locator("section[data-testid='stSidebar']")


def test_a_reload_mid_training_finds_the_training_again_and_only_for_its_owner(tmp_path):
    with app_in_chromium(env={"AELIB_RUNS_DIR": str(tmp_path)}, path="/train",
                         viewport={"width": 1400, "height": 1100}) as app:
        page = app.page
        pick_architecture(page, "Deep convolutional")
        set_number(page, "epochs", 300)
        slider = page.get_by_role("slider")
        slider.focus()
        slider.press("Home")  # the smallest training set: short epochs, a quick stop
        page.wait_for_timeout(300)
        button(page, "Train").click()
        page.get_by_text(re.compile(r"Epoch \d+/300")).wait_for()

        page.reload()  # a new Streamlit session, with empty session state
        page.get_by_text(re.compile(r"Epoch \d+/300")).wait_for()  # live again
        assert button(page, "Stop").is_enabled()
        sidebar(page).get_by_text(re.compile("Deep convolutional: training")).wait_for()

        other = open_page(app.browser, app.url + "/train")  # another person, same server
        other.get_by_text("Set the model up, then press").wait_for()
        sidebar(other).get_by_text("none yet").wait_for()  # drawn after the page itself

        go_to(page, "Runs")  # the run is listed as running, and its owner can stop it there
        page.get_by_text("One run").wait_for()
        page.get_by_text(re.compile(r"^running · ")).wait_for()
        button(page, "Stop").click()
        go_to(page, "Train")
        page.get_by_text(re.compile(r"Training ended early \(stopped on request\)")).wait_for()
        page.get_by_text(re.compile(r"Saved as run \d+")).wait_for()

        go_to(other, "Runs")  # the other person sees the runs (one workspace) but no Stop
        other.get_by_text("One run").wait_for()
        assert button(other, "Stop").count() == 0
