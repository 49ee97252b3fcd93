"""Every benchmark still runs: each script of bench/ on tiny settings, a few seconds each, in a
fresh process as a person would run it (its figures mean nothing at this size).

Not run here: `app_memory.py` and `soak.py`, which drive the app through training and every
analysis page by design (a minute and more); `cold_start.py` runs once, with the browser tests'
Chromium.
"""

import os
import subprocess
import sys

import pytest

from tests.support import ROOT

TIMEOUT = 300
# Script -> its tiny settings.
TINY = {
    "codes.py": ["--points", "200", "--rounds", "1", "--epochs", "1", "--train", "500",
                 "--l1", "1e-3"],
    "disentanglement.py": ["--codes", "500", "--skip-study"],
    "store.py": ["--tiny", "--databases", "sqlite"],
    "defaults.py": ["--only", "dense", "--epochs", "1"],
    "image_speed.py": ["--only", "dense", "--epochs", "2", "--rounds", "1",
                       "--train-images", "500"],
    "learner_wait.py": ["--only", "dense", "--tiny", "--rounds", "1", "--no-app"],
    "reproduce_tutorial.py": ["--epochs", "1", "--train-size", "256"],
    "sweep.py": ["--epochs", "1", "--engines", "local", "--code-sizes", "8", "--seeds", "0"],
    "train_speed.py": ["--only", "dense", "--epochs", "2", "--rounds", "1"],
    "tsne_speed.py": ["--sizes", "200", "--rounds", "1"],
    "torch_models.py": None,  # a module of learner_wait.py's (its PyTorch way)
}
NOT_SMOKED = {"app_memory.py", "soak.py", "cold_start.py"}
on_tensorflow_only = pytest.mark.skipif(
    os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow",
    reason="the benchmarks are smoke-run on the TensorFlow pass (the figures quoted are its)")


def run_script(name, arguments, **env):
    done = subprocess.run([sys.executable, str(ROOT / "bench" / name), *arguments], cwd=ROOT,
                          capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ, **env})
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_every_bench_script_is_smoke_run_or_said_why_not():
    scripts = {path.name for path in (ROOT / "bench").glob("*.py")}
    assert scripts == set(TINY) | NOT_SMOKED


@pytest.mark.slow
@on_tensorflow_only
@pytest.mark.parametrize("name", sorted(name for name, args in TINY.items() if args))
def test_the_script_runs_on_tiny_settings(name, tmp_path):
    out = run_script(name, TINY[name], AELIB_RUNS_DIR=str(tmp_path))
    assert len(out.strip().splitlines()) >= 2  # a header and at least one row of figures


@pytest.mark.slow
def test_learner_waits_pytorch_twin_trains_colour_and_grey_images():
    torch = pytest.importorskip("torch")
    import aelib
    from bench.torch_models import torch_model, trainable_parameters, _layout

    for shape in ((28, 28, 1), (32, 32, 3)):
        images = aelib.data.shapes.make_shapes(4, shape[0], seed=0)[0] if shape[2] == 3 \
            else aelib.load_dataset("bundled").x_test[:4]
        for name in aelib.ARCHITECTURES:
            ae = aelib.build(name, image_shape=shape)
            model = torch_model(name, ae.hparams, shape)
            assert trainable_parameters(model) == ae.autoencoder.count_params() - \
                _non_trainable(ae)
            inputs = _layout(name, images, shape)
            with torch.no_grad():
                outputs, _ = model.eval()(inputs)
            assert tuple(outputs.shape) == tuple(inputs.shape)


def _non_trainable(ae):
    import math

    return sum(math.prod(w.shape) for w in ae.autoencoder.non_trainable_weights)


@pytest.mark.browser
@pytest.mark.app
@pytest.mark.slow
def test_cold_start_runs_once():
    from tests.support.browser import require_chromium

    require_chromium()
    assert "architecture cards filled" in run_script("cold_start.py", ["--runs", "1"])
