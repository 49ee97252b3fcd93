"""Cold start of the app: seconds from `streamlit run app.py` to the first page in a browser.

Starts the real server (as a person would), waits for its health check, then opens the home
page in headless Chromium and waits for its title and for the architecture cards (which need
Keras). Prints the median of several fresh starts.

    python bench/cold_start.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import launch_chromium, running_app  # noqa: E402


def one_start(playwright) -> tuple[float, float, float]:
    started = time.perf_counter()
    with running_app() as (url, _):
        server = time.perf_counter() - started
        browser = launch_chromium(playwright)
        page = browser.new_page()
        page.set_default_timeout(120_000)
        opened = time.perf_counter()
        page.goto(url)
        page.get_by_role("heading", name="Autoencoder Lab").wait_for()
        title = time.perf_counter() - opened
        page.get_by_text("4,385 parameters").wait_for()  # the conv card
        cards = time.perf_counter() - opened
        browser.close()
    return server, title, cards


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with sync_playwright() as playwright:
        runs = [one_start(playwright) for _ in range(args.runs)]
    server, title, cards = (statistics.median(r[i] for r in runs) for i in range(3))
    print(f"server up (health check)     {server:5.2f} s")
    print(f"home page title in browser   {title:5.2f} s after opening the page "
          f"({server + title:.2f} s after `streamlit run`)")
    print(f"architecture cards shown     {cards:5.2f} s after opening the page")


if __name__ == "__main__":
    main()
