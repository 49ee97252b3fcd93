import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import aelib
from aelib.links import from_query
from aelib.snippets import aelib_lines, keras_script

ROOT = Path(__file__).resolve().parents[1]
QUICK = {"epochs": "1", "train_size": "256", "batch_size": "64", "seed": "3"}


@pytest.mark.parametrize("name", aelib.ARCHITECTURES)
def test_the_keras_script_builds_the_same_model_and_trains(name):
    setup, _ = from_query({"arch": name, **QUICK})
    done = subprocess.run([sys.executable, "-c", keras_script(setup)], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    printed = dict(line.split(": ", 1) for line in done.stdout.splitlines()
                   if line.startswith(("parameters: ", "val_loss: ")))
    assert int(printed["parameters"]) == aelib.build(name).summary().total_parameters
    assert 0 < float(printed["val_loss"]) < 0.7  # below an untrained model's ~0.69


@pytest.mark.parametrize("query", [
    {"arch": "lstm"}, {"arch": "vae", "network": "conv", "loss": "mse"},
], ids=["lstm", "conv-vae-mse"])
def test_the_keras_script_carries_a_colour_image_shape(query):
    setup, _ = from_query({**query, "data": "shapes", **QUICK})
    done = subprocess.run([sys.executable, "-c", keras_script(setup, (32, 32, 3))], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    printed = dict(line.split(": ", 1) for line in done.stdout.splitlines()
                   if line.startswith(("parameters: ", "val_loss: ")))
    expected = aelib.build(setup.architecture, image_shape=(32, 32, 3), **setup.hparams)
    assert int(printed["parameters"]) == expected.autoencoder.count_params()
    assert np.isfinite(float(printed["val_loss"]))


def test_the_keras_script_spells_out_the_settings():
    setup, _ = from_query({"arch": "sparse", "l1": "0.002", "optimizer": "rmsprop",
                           "learning_rate": "0.01", "epochs": "9", "batch_size": "32"})
    script = keras_script(setup)
    assert "activity_regularizer=keras.regularizers.L1(0.002)" in script
    assert "keras.optimizers.RMSprop(learning_rate=0.01)" in script
    assert "epochs=9, batch_size=32" in script


def test_the_aelib_lines_train_the_setup():
    setup, _ = from_query({"arch": "dense", "encoding_dim": "8", **QUICK})
    scope = {}
    exec(aelib_lines(setup), scope)
    assert scope["ae"].code_size == 8 and len(scope["data"].x_train) == 256
    assert len(scope["result"].history["loss"]) == 1
    assert np.isfinite(scope["result"].history["val_loss"]).all()
