"""Home's "Explore a trained model now" in real Chromium: one click, and every analysis page shows
the shipped dense model without any training, saying which model it is.

Needs Debian's chromium (see tests/test_browser.py).
"""

import re

import pytest

from aelib.jobs.pretrained import pretrained_model
from tests.support.browser import app_in_chromium, button, charts, go_to, require_chromium

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.app]


def test_one_click_on_home_and_every_analysis_page_works_at_once():
    described = pretrained_model("dense").describe()
    with app_in_chromium() as app:
        page = app.page
        page.get_by_text("Or explore a model trained already").wait_for()
        button(page, "Explore a trained model now").click()
        page.get_by_role("heading", name="Reconstructions", exact=True).wait_for()
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text(re.compile(re.escape(described))).wait_for()
        for title in ("Reconstructions", "Codes", "Denoising", "Generate"):
            go_to(page, title)
            charts(page).first.wait_for()
            assert not page.get_by_text("there is no model yet").is_visible(), title
        go_to(page, "Train")
        page.get_by_text(f"The model in hand is {described}").wait_for()
        assert not page.get_by_text(re.compile(r"Saved as run \d")).is_visible()  # none trained
