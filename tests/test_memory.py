"""Resident memory of one process that trains model after model, as a shared lab does."""

import gc

import keras
import pytest

import aelib

MODELS = 30


def resident_mib() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


@pytest.mark.skipif(keras.backend.backend() == "tensorflow", reason=(
    "TensorFlow keeps one traced train-step graph of every model trained in the process "
    "(about 2.3 MB each, a bare model.fit too): an upstream leak, tensorflow/tensorflow#61791, "
    "keras-team/keras#21090. This test runs in CI's JAX pass."))
def test_training_thirty_small_models_levels_off(small_data):
    resident = []
    for seed in range(MODELS):
        ae = aelib.build("dense", seed=seed)
        aelib.train(ae, small_data, epochs=1, batch_size=64)
        ae.reconstruct(small_data.x_test[:10])
        del ae
        gc.collect()
        resident.append(resident_mib())
    # The first models warm caches up; the last 15 add next to nothing (on TensorFlow, ~35 MB).
    growth = resident[-1] - resident[MODELS // 2]
    assert growth < 12, f"resident MiB after each model: {resident}"
