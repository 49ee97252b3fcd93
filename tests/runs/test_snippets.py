import os
import subprocess
import sys


import numpy as np
import pytest

import aelib
from tests.support import ROOT
from aelib.runs.links import from_query
from aelib.runs.snippets import aelib_lines, keras_script

QUICK = {"epochs": "1", "train_size": "256", "batch_size": "64", "seed": "3"}


def script_validation_inputs(name, x_test, x_train, seed):
    """The inputs the script validated on: the test images, noised as the script does."""
    if name != "denoising":
        return x_test
    rng = np.random.default_rng(seed)
    rng.normal(size=x_train.shape)  # the script noises the training images first
    return np.clip(x_test + 0.5 * rng.normal(size=x_test.shape), 0, 1).astype("float32")


def run_script(script: str, folder) -> dict:
    """Run a generated Keras script in `folder` (where it saves its model) and return what it
    printed as `name: value` lines."""
    done = subprocess.run([sys.executable, "-c", script], cwd=folder,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)


@pytest.mark.parametrize("name", aelib.ARCHITECTURES)
def test_the_keras_script_trains_the_same_model_and_saves_a_file_the_lab_opens(name, tmp_path):
    setup, _ = from_query({"arch": name, **QUICK})
    printed = run_script(keras_script(setup), tmp_path)
    assert int(printed["parameters"]) == aelib.build(name).summary().total_parameters
    assert 0 < float(printed["val_loss"]) < 0.7  # below an untrained model's ~0.69

    loaded = aelib.load_model_file(tmp_path / printed["saved"])  # every check of the lab's
    assert (loaded.architecture, loaded.hparams) == (name, aelib.build(name).hparams)
    assert loaded.autoencoder.count_params() == int(printed["parameters"])
    # The script's trained weights came through: the lab's model scores the script's
    # validation loss on the script's validation data.
    data = aelib.load_dataset("bundled").subset(256, None, seed=3)
    x_val = script_validation_inputs(name, data.x_test, data.x_train, seed=3)
    loaded.autoencoder.compile(loss=None if name == "vae" else "binary_crossentropy")
    scores = loaded.autoencoder.evaluate(loaded.to_model_input(x_val),
                                         loaded.to_model_input(data.x_test), batch_size=64,
                                         verbose=0, return_dict=True)
    assert scores["loss"] == pytest.approx(float(printed["val_loss"]), rel=1e-3)


@pytest.mark.parametrize("query", [
    {"arch": "lstm"}, {"arch": "vae", "network": "conv", "loss": "mse"},
], ids=["lstm", "conv-vae-mse"])
def test_the_keras_script_carries_a_colour_image_shape(query, tmp_path):
    setup, _ = from_query({**query, "data": "shapes", **QUICK})
    printed = run_script(keras_script(setup, (32, 32, 3)), tmp_path)
    expected = aelib.build(setup.architecture, image_shape=(32, 32, 3), **setup.hparams)
    assert int(printed["parameters"]) == expected.autoencoder.count_params()
    assert np.isfinite(float(printed["val_loss"]))


@pytest.mark.parametrize("query", [
    {"objective": "beta_tcvae", "beta": "4.0", "kl_warmup_epochs": "2"},
    {"capacity_gamma": "30.0", "capacity_max": "5.0", "capacity_epochs": "3"},
], ids=["beta-tcvae-warm-up", "capacity"])
def test_the_keras_script_trains_the_beta_vae_family_and_the_lab_opens_it(query, tmp_path):
    setup, _ = from_query({"arch": "vae", "latent_dim": "4", **query, **QUICK, "epochs": "2"})
    script = keras_script(setup)
    assert ("tc_regulariser" in script) == ("objective" in query)
    assert ("# capacity annealing" in script) == ("capacity_gamma" in query)
    printed = run_script(script, tmp_path)
    scheduled = "kl_warmup_epochs" in query or "capacity_gamma" in query
    # A scheduled script's model holds the epoch in one non-trainable number of its own.
    assert int(printed["parameters"]) == aelib.build("vae", **setup.hparams).autoencoder \
        .count_params() + scheduled
    assert np.isfinite(float(printed["val_loss"]))
    loaded = aelib.load_model_file(tmp_path / printed["saved"])
    assert loaded.hparams == setup.hparams


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
