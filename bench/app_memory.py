"""Peak resident memory of the app's process while a person trains the conv model.

Starts `streamlit run app.py`, drives it in headless Chromium (Train page, "Deep
convolutional", the bundled sample's 8,000 training images), and reads the server process's peak
resident set size (VmHWM) from /proc: the figure to hold against Streamlit Community Cloud's
memory budget. Also reports it after visiting the analysis pages (t-SNE, kNN, PCA).

The app gets the packages of `requirements.txt` only, as on Community Cloud: those the tests add
are hidden from it (TensorFlow imports JAX whenever it can, about 100 MiB more).

    python bench/app_memory.py [--epochs 3]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support.browser import (button, go_to, hide_test_only_packages, launch_chromium,  # noqa: E402
                                   open_page,
                           pick_architecture, running_app, set_number, wait_trained)


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident set size so far, in MiB (Linux)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    env = {"AELIB_RUNS_DIR": tempfile.mkdtemp(prefix="aelib-bench-"),
           "PYTHONPATH": hide_test_only_packages()}
    with running_app(env=env) as (url, process), sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = open_page(browser, url, timeout_ms=120_000)
        page.get_by_text("4,385 parameters").wait_for()
        print(f"home page shown             {peak_rss_mib(process.pid):7.0f} MiB peak", flush=True)
        go_to(page, "Train")
        pick_architecture(page, "Deep convolutional")
        page.get_by_text("4,385 parameters").wait_for()
        set_number(page, "epochs", args.epochs)
        button(page, "Train").click()
        wait_trained(page, args.epochs)
        print(f"conv trained, {args.epochs} epochs     {peak_rss_mib(process.pid):7.0f} MiB peak",
              flush=True)
        for title, marker in (("Reconstructions", "The worst reconstructions"),
                              ("Codes", "How much do the codes know?"),
                              ("Denoising", "First ten test images")):
            go_to(page, title)
            page.get_by_text(marker).first.wait_for()
        print(f"analysis pages visited      {peak_rss_mib(process.pid):7.0f} MiB peak", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
