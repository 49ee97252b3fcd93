"""Cold start of the app: from opening Home in a browser to its text, its cards, and the server's
memory once Home is shown.

Each run starts a fresh server (`streamlit run app.py`, as a person would) and waits for its
health check; then headless Chromium opens Home and the clock runs from the navigation to:
- the title and the first sentence of the introduction being visible;
- the architecture cards being filled (the conv card's parameter count, "4,385 parameters").
After that, the server's resident memory (VmRSS, and its peak VmHWM) and whether TensorFlow was
loaded into it (its shared library mapped), read from /proc. Then, as a learner who reads Home
for `--read` seconds (the backend preloads meanwhile, `lab/backend.py`), the first click on
Train: the clock runs from the click to the Train page's Train button. Prints the medians.

    python bench/cold_start.py [--runs 3]

Targets (issues 11, 12 and 22): text within 1.5 s on 2 cores, Home's RSS at most 300 MB, no
TensorFlow; the first visit to Train within 1.5 s. Timings grow with the machine's load: run it
on a quiet machine (`uptime`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support.browser import button, go_to, launch_chromium, running_app  # noqa: E402

INTRO = "An autoencoder is a network trained to give back its input"
CONV_CARD = "4,385 parameters"  # the conv card on the bundled MNIST sample


def server_memory(pid: int) -> dict:
    """VmRSS and VmHWM of process `pid` in MiB, and whether it has TensorFlow's library mapped."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    memory = {name: int(fields[name].split()[0]) / 1024 for name in ("VmRSS", "VmHWM")}
    memory["tensorflow"] = "libtensorflow" in Path(f"/proc/{pid}/maps").read_text()
    return memory


def one_start(playwright, read_s: float) -> dict:
    """Start a server, open Home in a new browser, and time it; returns the figures."""
    started = time.perf_counter()
    with running_app() as (url, server):
        figures = {"server up": time.perf_counter() - started}
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            page.set_default_timeout(120_000)
            opened = time.perf_counter()
            page.goto(url, wait_until="commit")
            page.get_by_role("heading", name="Autoencoder Lab").wait_for()
            page.get_by_text(INTRO).wait_for()
            figures["text"] = time.perf_counter() - opened
            page.get_by_text(CONV_CARD).wait_for()
            figures["cards"] = time.perf_counter() - opened
            page.wait_for_timeout(1000)  # let the script run end
            figures.update(server_memory(server.pid))
            page.wait_for_timeout(max(0.0, read_s - 1) * 1000)  # the learner reads Home
            clicked = time.perf_counter()
            go_to(page, "Train")
            button(page, "Train").wait_for()
            figures["train page"] = time.perf_counter() - clicked
            figures["RSS on Train"] = server_memory(server.pid)["VmRSS"]
        finally:
            browser.close()
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--read", type=float, default=8.0,
                        help="seconds a learner reads Home before clicking Train")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        runs = [one_start(playwright, args.read) for _ in range(args.runs)]

    def median(name):
        return statistics.median(run[name] for run in runs)

    print(f"{args.runs} fresh servers, medians; load average {os.getloadavg()[0]:.2f}")
    print(f"server up (health check)          {median('server up'):5.2f} s")
    each = ", ".join(f"{run['text']:.2f}" for run in runs)
    print(f"Home's title and text visible     {median('text'):5.2f} s after opening the page "
          f"(each: {each})")
    print(f"architecture cards filled         {median('cards'):5.2f} s after opening the page")
    print(f"server RSS after Home             {median('VmRSS'):5.0f} MiB "
          f"(peak VmHWM {median('VmHWM'):.0f} MiB)")
    print(f"TensorFlow loaded by Home         "
          f"{'yes' if any(run['tensorflow'] for run in runs) else 'no'}")
    print(f"first visit to Train              {median('train page'):5.2f} s from the click to "
          f"its Train button, after reading Home {args.read:.0f} s (server RSS then "
          f"{median('RSS on Train'):.0f} MiB)")


if __name__ == "__main__":
    main()
