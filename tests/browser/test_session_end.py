"""A session's model, data and results are freed once Streamlit drops the session.

The real server, with a disconnected-session time-to-live of 2 seconds, and a person in headless
Chromium who trains a model and looks at it, then closes the tab. Weak references taken inside
the server (`tests/memory_probe.py`) show what the session owned, and that it is gone once the
time-to-live has passed: nothing but the app itself collects it (the probe forces no
collection).
"""

import tempfile
import time

import pytest

from tests.support import memory_probe
from tests.support.browser import (app_in_chromium, TIMEOUT_MS, button, go_to,
                                   hide_test_only_packages, require_chromium, set_number,
                                   wait_trained)

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.app]

TTL_SECONDS = 2
RELEASE_DEADLINE = 300  # seconds: generous for a loaded machine; nothing here is timed


def test_what_a_closed_session_owned_is_gone_after_its_time_to_live():
    folder = hide_test_only_packages()
    memory_probe.install(folder)
    env = {"AELIB_RUNS_DIR": tempfile.mkdtemp(prefix="aelib-test-"), "PYTHONPATH": folder}
    with app_in_chromium(env=env, options={"server.disconnectedSessionTTL": TTL_SECONDS},
                         timeout_ms=TIMEOUT_MS * 4) as app:
        page = app.page
        go_to(page, "Train")
        set_number(page, "epochs", 1)
        slider = page.get_by_role("slider")
        slider.focus()
        slider.press("Home")  # the smallest training set
        page.wait_for_timeout(300)
        button(page, "Train").click()
        wait_trained(page, 1)
        go_to(page, "Reconstructions")
        page.get_by_text("The worst reconstructions").wait_for()
        go_to(page, "Codes")  # waits for the background t-SNE map: nothing else holds the model
        page.get_by_text("How much do the codes know?").wait_for()

        owned = memory_probe.ask(folder, "watch")
        for kind in ("job", "model", "keras model", "data", "training images", "analysis",
                     "state: results"):
            assert owned.get(kind, 0) >= 1, owned
        app.browser.close()  # the tab closes: Streamlit keeps the session for its time-to-live

        deadline = time.monotonic() + RELEASE_DEADLINE
        alive = memory_probe.ask(folder, "alive")
        while any(alive.values()) and time.monotonic() < deadline:
            time.sleep(1)
            alive = memory_probe.ask(folder, "alive")
        assert not any(alive.values()), f"still alive: {alive} of {owned}"
