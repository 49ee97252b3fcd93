"""The wait a learner feels: total seconds of a default training run, cold and warm, next to
plain Keras `fit` and plain PyTorch; and in the app, from the click on Train to "Saved".

Training: for each architecture, at its defaults (the registry's and `aelib.TRAINING_PARAMS`'s,
read through `aelib.runs.links.from_query`, as a fresh Train page has them) on the bundled sample,
each way runs in a fresh Python process: a cold run (the first in the process) and a warm one
(a second model, another seed). Total seconds from building the model to the end of its last
epoch, validation every epoch included; the data is loaded before the clock starts.
- aelib: `aelib.build` + `aelib.train`.
- Keras fit: the same Keras model (`aelib.build`), `compile` + `fit(x, x, shuffle=True,
  validation_data=...)` as the tutorial does, Keras's defaults otherwise.
- PyTorch: the same layers and parameter count in plain PyTorch, eager, Adam, the same data and
  threads; only when `torch` is installed (`pip install torch`; it is not a requirement).
Ways alternate within each round; the median of the rounds is printed.

In the app: a fresh `streamlit run app.py` per architecture pinned to CPU 0 and headless
Chromium pinned to CPU 1 (`taskset`), the Train page opened on the architecture's link, then
seconds from the click on Train to "Saved as run N", for a first (cold) and a second (warm)
training, each started once the server is idle (the previous run's background t-SNE done);
next to `aelib.build` + `aelib.train` of the same setup in a script pinned to CPU 0.

    python bench/learner_wait.py [--only dense,conv] [--rounds 3] [--no-app] [--no-train]
    python bench/learner_wait.py --compare-jit   # TensorFlow: XLA on vs off, aelib, cold/warm
    python bench/learner_wait.py --tiny --rounds 1 --no-app   # a smoke run: 1 epoch, 256 images
    KERAS_BACKEND=jax python bench/learner_wait.py --no-app
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SERVER_CPU, BROWSER_CPU = 0, 1
TINY = {"epochs": 1, "train_size": 256, "test_size": 128}  # --tiny: proves the bench runs


def default_setup(name: str, tiny: bool = False):
    """A fresh Train page's setup for `name`, and its training data (`TINY`'s with `tiny`)."""
    import dataclasses

    import aelib
    from aelib.runs.links import from_query

    setup, _ = from_query({"arch": name})
    if tiny:
        setup = dataclasses.replace(setup, train_size=TINY["train_size"],
                                    training={**setup.training, "epochs": TINY["epochs"]})
    data = aelib.load_dataset(setup.dataset).subset(setup.train_size,
                                                    TINY["test_size"] if tiny else None,
                                                    seed=setup.training["seed"])
    return setup, data


def run_aelib(setup, data, seed: int) -> tuple[float, float]:
    import aelib

    started = time.perf_counter()
    ae = aelib.build(setup.architecture, seed=seed, image_shape=data.image_shape,
                     **setup.hparams)
    result = aelib.train(ae, data, **{**setup.training, "seed": seed})
    return time.perf_counter() - started, result.history["val_loss"][-1]


def run_keras_fit(setup, data, seed: int) -> tuple[float, float]:
    import keras

    import aelib

    training = setup.training
    started = time.perf_counter()
    ae = aelib.build(setup.architecture, seed=seed, image_shape=data.image_shape,
                     **setup.hparams)
    model = ae.autoencoder
    own_loss = type(model).compute_loss is not keras.Model.compute_loss
    model.compile(optimizer=aelib.training.fit.make_optimizer(training["optimizer"],
                                                          training["learning_rate"]),
                  loss=None if own_loss else "binary_crossentropy")
    x, x_test = ae.to_model_input(data.x_train), ae.to_model_input(data.x_test)
    history = model.fit(x, x, epochs=training["epochs"], batch_size=training["batch_size"],
                        shuffle=True, validation_data=(x_test, x_test), verbose=0)
    return time.perf_counter() - started, history.history["val_loss"][-1]


def run_torch(setup, data, seed: int) -> tuple[float, float]:
    import torch

    from bench.torch_models import torch_model, train_torch

    torch.manual_seed(seed)
    started = time.perf_counter()
    model = torch_model(setup.architecture, setup.hparams, data.image_shape)
    val_loss = train_torch(model, setup, data, seed)
    return time.perf_counter() - started, val_loss


WAYS = {"aelib": run_aelib, "fit": run_keras_fit, "torch": run_torch}


def worker(way: str, name: str, jit: str | None, tiny: bool) -> None:
    """In a fresh process: a cold and a warm run of one way; prints one JSON line."""
    if jit is not None:
        import aelib

        aelib.training.fit.TENSORFLOW_CPU_JIT_COMPILE[name] = {"on": True, "off": False}[jit]
    setup, data = default_setup(name, tiny)
    seed = setup.training["seed"]
    used = time.process_time()
    cold, val_loss = WAYS[way](setup, data, seed)
    cold_cpu, used = time.process_time() - used, time.process_time()
    warm, _ = WAYS[way](setup, data, seed + 1)
    print(json.dumps({"cold": cold, "warm": warm, "val_loss": val_loss, "cold_cpu": cold_cpu,
                      "warm_cpu": time.process_time() - used}))


def in_subprocess(way: str, name: str, jit: str | None = None, cpu: int | None = None,
                  tiny: bool = False) -> dict:
    command = [sys.executable, __file__, "--worker", way, name] + \
        (["--jit", jit] if jit else []) + (["--tiny"] if tiny else [])
    if cpu is not None:
        command = ["taskset", "-c", str(cpu), *command]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"{way} {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def has_torch() -> bool:
    import importlib.util

    return importlib.util.find_spec("torch") is not None


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def training_table(names: list[str], rounds: int, tiny: bool = False) -> None:
    ways = [way for way in WAYS if way != "torch" or has_torch()]
    print("\nTotal seconds of a default run (build to last epoch, validation included); "
          "cold: first run in a fresh process, warm: a second model, another seed")
    header = f"{'model':<10}" + "".join(f"{way + ' cold':>12}{way + ' warm':>12}" for way in ways)
    header += f"{'warm/fit':>9}{'cold/fit':>9}" + (f"{'warm/torch':>11}" if "torch" in ways
                                                    else "")
    print(header + f"  {'val loss ' + '/'.join(ways)}", flush=True)
    for name in names:
        runs = {way: [] for way in ways}
        for _ in range(rounds):  # the ways alternate
            for way in ways:
                runs[way].append(in_subprocess(way, name, tiny=tiny))
        cold = {way: median_of(runs[way], "cold") for way in ways}
        warm = {way: median_of(runs[way], "warm") for way in ways}
        row = f"{name:<10}" + "".join(f"{cold[way]:>12.2f}{warm[way]:>12.2f}" for way in ways)
        row += f"{warm['aelib'] / warm['fit']:>9.2f}{cold['aelib'] / cold['fit']:>9.2f}"
        if "torch" in ways:
            row += f"{warm['aelib'] / warm['torch']:>11.2f}"
        losses = "/".join(f"{median_of(runs[way], 'val_loss'):.4f}" for way in ways)
        print(f"{row}  {losses}", flush=True)


def jit_table(names: list[str], rounds: int) -> None:
    print("\naelib total seconds with XLA on / off (TensorFlow on the CPU): wall, then CPU")
    columns = [(when, jit) for when in ("cold", "warm", "cold_cpu", "warm_cpu")
               for jit in ("on", "off")]
    print(f"{'model':<10}" + "".join(f"{when.replace('_', ' ') + ' ' + jit:>13}"
                                      for when, jit in columns), flush=True)
    for name in names:
        runs = {"on": [], "off": []}
        for _ in range(rounds):
            for jit in runs:
                runs[jit].append(in_subprocess("aelib", name, jit))
        print(f"{name:<10}" + "".join(f"{median_of(runs[jit], when):>13.2f}"
                                      for when, jit in columns), flush=True)


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_idle(pid: int, quiet_seconds: float = 1.0, timeout: float = 300.0) -> None:
    """Wait until the process has used under 5% of a CPU for `quiet_seconds` (the app's
    background work of the last training, such as its t-SNE map, is over)."""
    deadline = time.monotonic() + timeout
    used = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(quiet_seconds)
        now = cpu_seconds(pid)
        if now - used < 0.05 * quiet_seconds:
            return
        used = now


def click_to_saved(name: str) -> tuple[float, float]:
    """Seconds from the click on Train to "Saved as run N" for a first and a second training
    of `name` in a fresh app, the server on SERVER_CPU and the browser on BROWSER_CPU."""
    from playwright.sync_api import sync_playwright

    from tests.support.browser import button, launch_chromium, open_page, running_app

    env = {"AELIB_RUNS_DIR": tempfile.mkdtemp(prefix="aelib-bench-")}
    mine = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {SERVER_CPU})  # the server inherits it
    try:
        with running_app(env=env) as (url, server):
            os.sched_setaffinity(0, {BROWSER_CPU})  # Playwright and Chromium inherit this one
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                page = open_page(browser, f"{url}/train?arch={name}",
                                 viewport={"width": 1400, "height": 1200}, timeout_ms=600_000)
                page.get_by_text(re.compile("parameters, code of shape")).wait_for()
                seconds = []
                for run in (1, 2):
                    wait_until_idle(server.pid)
                    started = time.perf_counter()
                    button(page, "Train").click()
                    page.get_by_text(f"Saved as run {run}.").wait_for()
                    seconds.append(time.perf_counter() - started)
                browser.close()
    finally:
        os.sched_setaffinity(0, mine)
    return seconds[0], seconds[1]


def app_table(names: list[str], rounds: int) -> None:
    print(f"\nIn the app: click on Train to \"Saved\" (server on CPU {SERVER_CPU}, browser on "
          f"CPU {BROWSER_CPU}) against aelib.train in a script on CPU {SERVER_CPU}; budget: "
          f"script x 1.15 + 0.5 s")
    print(f"{'model':<10}{'script cold':>12}{'app cold':>10}{'budget':>8}"
          f"{'script warm':>12}{'app warm':>10}{'budget':>8}")
    for name in names:
        script, app = [], []
        for _ in range(rounds):
            script.append(in_subprocess("aelib", name, cpu=SERVER_CPU))
            app.append(dict(zip(("cold", "warm"), click_to_saved(name))))
        row = f"{name:<10}"
        for when in ("cold", "warm"):
            alone, clicked = median_of(script, when), median_of(app, when)
            row += f"{alone:>12.2f}{clicked:>10.2f}{alone * 1.15 + 0.5:>8.2f}"
        print(row, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=None, help="comma-separated architectures")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-train", action="store_true", help="skip the training table")
    parser.add_argument("--no-app", action="store_true", help="skip the in-app table")
    parser.add_argument("--compare-jit", action="store_true",
                        help="only compare XLA on and off for aelib (TensorFlow)")
    parser.add_argument("--worker", nargs=2, metavar=("WAY", "ARCHITECTURE"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--jit", choices=("on", "off"), help=argparse.SUPPRESS)
    parser.add_argument("--tiny", action="store_true",
                        help=f"train {TINY['epochs']} epoch on {TINY['train_size']} images "
                             "(the training table only): a check that the bench runs")
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker, args.jit, args.tiny)
        return

    import keras

    import aelib

    names = args.only.split(",") if args.only else list(aelib.ARCHITECTURES)
    load = os.getloadavg()
    print(f"# {platform.machine()}, {os.cpu_count()} CPUs, load {load[0]:.1f}, keras "
          f"{keras.__version__} ({keras.backend.backend()}), torch "
          f"{'installed' if has_torch() else 'not installed'}, {args.rounds} rounds")
    if args.compare_jit:
        jit_table(names, args.rounds)
        return
    if not args.no_train:
        training_table(names, args.rounds, args.tiny)
    if not args.no_app and not args.tiny:
        app_table(names, args.rounds)
    print(f"# load at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
