"""The backend's preload: Home is drawn without TensorFlow, then Keras loads in the background,
so that the first visit to Train does not wait for it."""

import time

import pytest

from lab.backend import PRELOAD_AFTER_S
from tests.browser.test_home import tensorflow_loaded
from tests.support.browser import app_in_chromium, button, go_to, require_chromium

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.app]


def test_after_home_keras_loads_in_the_background_so_train_finds_it_ready():
    with app_in_chromium() as app:
        app.page.get_by_text("4,385 parameters").wait_for()
        assert not tensorflow_loaded(app.server.pid)  # Home was drawn first, without it
        deadline = time.monotonic() + PRELOAD_AFTER_S + 60
        while not tensorflow_loaded(app.server.pid):
            assert time.monotonic() < deadline, "the backend was not preloaded"
            time.sleep(0.2)
        go_to(app.page, "Train")
        button(app.page, "Train").wait_for()
