"""A real `streamlit run app.py` on a free local port, and headless Debian Chromium to drive it.

Used by the browser tests and by `bench/cold_start.py`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from aelib.architectures import REGISTRY
from tests.support import ROOT, free_port

# Where `shot` saves screenshots: nowhere unless asked, so that a test run never rewrites the
# README's pictures. `AELIB_SCREENSHOTS=docs/screenshots python -m pytest -m browser` retakes them.
SCREENSHOTS = os.environ.get("AELIB_SCREENSHOTS")
# Generous: a wait is not a timing test, and a shared 2-core machine (CI) can be slow.
TIMEOUT_MS = 120_000
CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1400, "height": 1500}  # the viewport of a laptop's browser, scrolled
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def running_app(env: dict | None = None, timeout: float = 60.0, options: dict | None = None):
    """Start the app as a person would and yield `(url, process)`; stop it afterwards.
    `options` are more Streamlit command-line options, e.g. `{"server.disconnectedSessionTTL":
    5}`."""
    port = free_port()
    extra = [part for name, value in (options or {}).items() for part in (f"--{name}", str(value))]
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", *extra],
        cwd=ROOT, env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start on {url}") from None
                time.sleep(0.2)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


# Installed for the tests (requirements-dev.txt), absent where the app is deployed.
TEST_ONLY_PACKAGES = ("jax", "jaxlib")


def hide_test_only_packages() -> str:
    """A folder to put first on the app's PYTHONPATH in which the test-only packages fail to
    import, as they do where only requirements.txt is installed (TensorFlow imports JAX whenever
    it can, about 100 MiB more)."""
    folder = Path(tempfile.mkdtemp(prefix="aelib-deployed-"))
    for name in TEST_ONLY_PACKAGES:
        (folder / name).mkdir()
        (folder / name / "__init__.py").write_text(
            f"raise ImportError('{name} is not in requirements.txt')\n")
    return str(folder)


def wait_trained(page, epochs: int) -> None:
    """Wait for the Train page to say the training of `epochs` epochs ended ("Trained 1 epoch in
    2.3 s"; the sidebar's lower-case "trained 1 epoch" does not count)."""
    page.get_by_text(re.compile(rf"Trained {epochs} epochs? in")).wait_for()


def launch_chromium(playwright):
    """Headless Debian Chromium (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def open_page(browser, url: str, *, viewport: dict = DESKTOP, timeout_ms: int = TIMEOUT_MS):
    """A new person on `url`: a page in a browser context of its own (its own cookies)."""
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(timeout_ms)
    page.goto(url)
    return page


@dataclass
class ChromiumApp:
    """The app as `app_in_chromium` opened it."""

    page: Any  # the first person's page, on the path asked for
    url: str  # the app's root
    server: subprocess.Popen  # `streamlit run app.py`
    browser: Any  # Chromium, for more people: `open_page(app.browser, app.url)`


@contextlib.contextmanager
def app_in_chromium(env: dict | None = None, *, options: dict | None = None, path: str = "",
                    viewport: dict = DESKTOP, timeout_ms: int = TIMEOUT_MS):
    """`running_app(env, options=options)` opened in headless Chromium at `url + path`: yields a
    `ChromiumApp`; closes the browser and stops the app afterwards."""
    from playwright.sync_api import sync_playwright

    with running_app(env=env, options=options) as (url, server), \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = open_page(browser, url + path, viewport=viewport, timeout_ms=timeout_ms)
            yield ChromiumApp(page, url, server, browser)
        finally:
            if browser.is_connected():
                browser.close()


def require_chromium():
    """Skip the calling test module without Debian's Chromium (fail instead when
    AELIB_REQUIRE_BROWSER=1, as in CI); returns `playwright.sync_api`."""
    import pytest

    if not Path(CHROMIUM).exists():
        if os.environ.get("AELIB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium chromium-driver",
                        pytrace=False)
        pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)
    return pytest.importorskip("playwright.sync_api")


def shot(page, name):
    """Save a screenshot of `page` as NAME.png in `AELIB_SCREENSHOTS`, if that is set (the
    README's pictures: docs/screenshots)."""
    if not SCREENSHOTS:
        return
    folder = ROOT / SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(500)  # let plotly finish drawing
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def go_to(page, title, heading=None):
    """Click the sidebar link `title` and wait for the page's heading."""
    page.get_by_role("link", name=re.compile(title)).first.click()
    page.get_by_role("heading", name=heading or title, exact=True).wait_for()


def button(page, label):
    """The button labelled `label` (its icon name may precede the label)."""
    return page.get_by_role("button", name=re.compile(rf"(^|\s){label}$"))


def pick_architecture(page, title: str) -> None:
    """On Train: pick the architecture titled `title` and wait for the rerun that gives the
    settings its preset (a value typed before that rerun ends would be replaced)."""
    (key,) = [key for key, architecture in REGISTRY.items() if architecture.title == title]
    page.get_by_role("combobox").first.click()
    page.get_by_role("option", name=title).click()
    # The link in the URL follows the settings once that rerun has drawn them: on a busy
    # machine the rerun may begin later than any fixed wait.
    page.wait_for_url(re.compile(rf"[?&]arch={key}(&|$)"))
    wait_idle(page)


def set_number(page, label, value):
    """Type `value` into the number input labelled `label`, and wait for the rerun it causes."""
    field = page.get_by_role("spinbutton", name=label, exact=True)
    field.fill(str(value))
    field.press("Enter")
    wait_idle(page)


# Streamlit's status widget shows one of these while a script runs.
RUNNING = ("[data-testid='stStatusWidgetRunningIcon'], "
           "[data-testid='stStatusWidgetRunningManIcon']")


def wait_idle(page, settle_ms: int = 300) -> None:
    """Wait `settle_ms` for a rerun to begin, then until no script runs (call it only while no
    training runs: the Train page's progress reruns itself all along)."""
    page.wait_for_timeout(settle_ms)
    page.locator(RUNNING).first.wait_for(state="detached")


def charts(page):
    """The Plotly charts on the page."""
    return page.locator(".js-plotly-plot")


def start_training(page, numbers: dict) -> None:
    """On the Train page: type `numbers` ({label: value}), pick the smallest training set and
    press Train."""
    for label, value in numbers.items():
        set_number(page, label, value)
    slider = page.get_by_role("slider")
    slider.focus()
    slider.press("Home")  # the smallest training set
    wait_idle(page)
    button(page, "Train").click()


def train_briefly(page, epochs):
    """On the Train page: `epochs` epochs on the smallest training set; wait until trained."""
    start_training(page, {"epochs": epochs})
    wait_trained(page, epochs)
