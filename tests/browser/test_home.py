"""Home in real Chromium on a phone-wide screen: shown without TensorFlow in the server, its cards
sized without Keras and in the tutorial's order, and a failed download said in one short line
that leaves the rest of Home in place (the backend's preload after it: test_backend.py).

Needs Debian's chromium (see tests/test_browser.py).
"""

import re
from pathlib import Path

import pytest

import aelib
from lab.backend import PRELOAD
from tests.support.browser import app_in_chromium, require_chromium

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.app]

PHONE = {"width": 420, "height": 900}


def tensorflow_loaded(pid: int) -> bool:
    """Whether process `pid` has TensorFlow's shared library mapped (Keras imports it)."""
    return "libtensorflow" in Path(f"/proc/{pid}/maps").read_text()


@pytest.fixture(scope="module")
def home():
    # Home alone: without the preload that follows it (tested below), nothing loads Keras.
    with app_in_chromium(env={PRELOAD: "0"}, viewport=PHONE) as app:
        app.page.get_by_text("4,385 parameters").wait_for()  # the conv card
        yield app.page, app.server


def test_home_is_shown_without_tensorflow_and_its_cards_have_sizes(home):
    page, server = home
    page.get_by_text("50,992 parameters · code 32").first.wait_for()  # dense (and sparse)
    page.wait_for_timeout(500)  # the script run has ended
    assert not tensorflow_loaded(server.pid)


def test_the_cards_keep_the_tutorials_order_on_a_phone(home):
    page, _ = home
    titles = [f"{aelib.REGISTRY[name].title} {name}" for name in aelib.ARCHITECTURES]
    tops = [page.get_by_text(title, exact=True).bounding_box()["y"] for title in titles]
    assert tops == sorted(tops), list(zip(titles, tops, strict=True))


def test_a_failed_download_is_one_short_line_and_home_stays(home):
    page, _ = home
    page.get_by_text("Fashion-MNIST", exact=True).click()
    said = page.get_by_text(re.compile("Could not download Fashion-MNIST|In use: keras"))
    said.wait_for()
    if said.inner_text().startswith("Could not download"):  # offline, as here and in CI
        assert "Errno" not in said.inner_text() and "http" not in said.inner_text()
        page.get_by_text("In use: bundled MNIST test set").wait_for()  # kept the dataset
    page.get_by_text("The eight architectures").wait_for()
    page.get_by_text("4,385 parameters").wait_for()

