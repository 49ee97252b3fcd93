"""A day of the app in miniature: resident memory of its process while people come and go.

Starts `streamlit run app.py` with a short disconnected-session time-to-live and drives it in
headless Chromium: one person alone first (trains a conv model, then two more, and visits every
analysis page), then the others, two at a time with staggered starts, each training three models
of mixed architectures (conv among them) and visiting every page, then closing the tab. After
the last one has left and the time-to-live has passed, waits for the app to release what the
sessions owned. Samples the server's VmRSS every half second and prints the timeline, the peak
(VmHWM) and the issue's targets.

The app gets the packages of `requirements.txt` only, as on Community Cloud (see
`tests/browser.py`). `--inspect` also asks the server, through `tests/memory_probe.py`, what
is still alive at the end and what `malloc_trim` would give back on top.

    python bench/soak.py [--sessions 10] [--epochs 2] [--ttl 10] [--inspect]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

import aelib  # noqa: E402
from tests.support import memory_probe  # noqa: E402
from tests.support.browser import (button, go_to, hide_test_only_packages, launch_chromium,  # noqa: E402
                           pick_architecture, running_app, set_number, wait_trained)

# Each person trains three models; the mixes cycle, and each has conv.
MIXES = (("conv", "dense", "vae"), ("deep", "conv", "sparse"), ("denoising", "vae", "conv"),
         ("conv", "lstm", "dense"), ("sparse", "conv", "deep"))
# Every analysis page, and a text that shows once it has drawn (Anomalies trains a model of its
# own, so it is left out).
TOUR = (("Reconstructions", "The worst reconstructions"), ("Codes", "How much do the codes know?"),
        ("Denoising", "First ten test images"), ("Generate", "Interpolate between two test images"))
TARGETS_MIB = {"peak": 1300 / 1.048576, "tour": 1000 / 1.048576, "home": 300 / 1.048576,
               "settled_above_first_training": 150 / 1.048576}  # the MB, in MiB


class Sampler:
    """VmRSS of a process every `every` seconds, with labelled moments."""

    def __init__(self, pid: int, every: float = 0.5):
        self.pid, self.every = pid, every
        self.samples: list[tuple[float, float]] = []
        self.moments: list[tuple[float, str, float]] = []
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def status(self, field: str) -> float:
        text = Path(f"/proc/{self.pid}/status").read_text()
        return int(re.search(rf"{field}:\s+(\d+) kB", text).group(1)) / 1024

    def mark(self, label: str) -> float:
        """Note the resident set now (printed with the peak so far); returns it."""
        rss, peak = self.status("VmRSS"), self.status("VmHWM")
        self.moments.append((time.monotonic() - self.started, label, rss))
        print(f"{time.monotonic() - self.started:7.1f} s  {rss:6.0f} MiB  (peak {peak:5.0f})  "
              f"{label}", flush=True)
        return rss

    def stop(self):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.wait(self.every):
            try:
                self.samples.append((time.monotonic() - self.started, self.status("VmRSS")))
            except (OSError, AttributeError):
                return


def train(page, architecture: str, epochs: int) -> None:
    go_to(page, "Train")
    pick_architecture(page, aelib.REGISTRY[architecture].title)
    page.wait_for_timeout(500)
    set_number(page, "epochs", epochs)
    button(page, "Train").click()
    wait_trained(page, epochs)


def visit(url: str, number: int, architectures, epochs: int, sampler: Sampler,
          after_first_training=None) -> bool:
    """One person: home, three trainings, every analysis page, then the tab closes. Returns
    whether every step showed what it should; says what the page showed when one did not."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1500})
        page.set_default_timeout(900_000)  # a loaded machine; nothing here is timed
        try:
            tour(page, url, number, architectures, epochs, sampler, after_first_training)
        except PlaywrightError as error:
            sampler.mark(f"person {number}: FAILED {str(error).splitlines()[0]}")
            print(page.inner_text("body")[:1500], flush=True)
            if shutil.which("py-spy"):  # where the server's threads are
                print(subprocess.run(["py-spy", "dump", "--pid", str(sampler.pid)],
                                     capture_output=True, text=True).stdout, flush=True)
            return False
        finally:
            browser.close()
    sampler.mark(f"person {number}: tab closed")
    return True


def tour(page, url, number, architectures, epochs, sampler, after_first_training) -> None:
    """Home, a training of each architecture in turn, then every analysis page."""
    page.goto(url)
    page.get_by_text("The seven architectures").wait_for()
    page.get_by_text("4,385 parameters").wait_for()
    sampler.mark(f"person {number}: home")
    for i, architecture in enumerate(architectures):
        train(page, architecture, epochs)
        rss = sampler.mark(f"person {number}: trained {architecture}")
        if i == 0 and after_first_training is not None:
            after_first_training.append(rss)
    for title, marker in TOUR:
        go_to(page, title)
        page.get_by_text(marker).first.wait_for()
    sampler.mark(f"person {number}: visited every page")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--ttl", type=int, default=10,
                        help="server.disconnectedSessionTTL, seconds")
    parser.add_argument("--stagger", type=float, default=30.0,
                        help="seconds between the starts of overlapping people")
    parser.add_argument("--settle", type=float, default=30.0,
                        help="seconds to wait after the time-to-live for the release")
    parser.add_argument("--inspect", action="store_true",
                        help="ask the server what is alive at the end, and try malloc_trim")
    parser.add_argument("--env", action="append", default=[],
                        help="NAME=VALUE for the server's environment (e.g. MALLOC_ARENA_MAX=2)")
    args = parser.parse_args()

    folder = hide_test_only_packages()
    if args.inspect:
        memory_probe.install(folder)
    env = {"AELIB_RUNS_DIR": tempfile.mkdtemp(prefix="aelib-soak-"), "PYTHONPATH": folder,
           **dict(item.split("=", 1) for item in args.env)}
    with running_app(env=env, options={"server.disconnectedSessionTTL": args.ttl}) \
            as (url, process):
        sampler = Sampler(process.pid)
        sampler.mark("server up")
        first_training: list[float] = []
        succeeded = [visit(url, 0, MIXES[0], args.epochs, sampler, first_training)]
        home = next(rss for _, label, rss in sampler.moments if label == "person 0: home")
        tour_peak = sampler.status("VmHWM")
        with ThreadPoolExecutor(max_workers=2) as pool:
            people = []
            for number in range(1, args.sessions):
                people.append(pool.submit(visit, url, number, MIXES[number % len(MIXES)],
                                          args.epochs, sampler))
                time.sleep(args.stagger if number % 2 else 0.5)
            succeeded += [person.result() for person in people]
        time.sleep(args.ttl + args.settle)
        settled = sampler.mark(f"every tab closed, time-to-live passed, {args.settle:.0f} s more")
        peak = sampler.status("VmHWM")
        if args.inspect:
            print("alive at the end:", json.dumps(memory_probe.ask(folder, "all")))
            print("malloc_trim(0) now:", json.dumps(memory_probe.ask(folder, "trim")))
        sampler.stop()

    print("\nRSS timeline (MiB, every 10 s):")
    for seconds, rss in sampler.samples[::20]:
        print(f"{seconds:7.0f} s  {rss:6.0f}")
    print(f"\npeople who did the whole tour: {sum(succeeded)} of {len(succeeded)}")
    print(f"home page alone          {home:6.0f} MiB   target <= {TARGETS_MIB['home']:.0f}")
    print(f"first person's tour HWM  {tour_peak:6.0f} MiB   target <= {TARGETS_MIB['tour']:.0f}")
    print(f"peak of the day (VmHWM)  {peak:6.0f} MiB   target <= {TARGETS_MIB['peak']:.0f}")
    print(f"after the first training {first_training[0]:6.0f} MiB")
    print(f"settled at the end       {settled:6.0f} MiB   {settled - first_training[0]:+.0f} "
          f"vs after the first training, target <= "
          f"+{TARGETS_MIB['settled_above_first_training']:.0f}")


if __name__ == "__main__":
    main()
