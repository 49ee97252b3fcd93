"""Resident memory of one process that trains model after model, as a shared lab does."""

import gc

import keras
import pytest

import aelib
from aelib.training._tensorflow_leak import release_custom_gradients

MODELS = 30


def resident_mib() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def test_training_thirty_small_models_levels_off(small_data):
    resident = []
    for seed in range(MODELS):
        ae = aelib.build("dense", seed=seed)
        aelib.train(ae, small_data, epochs=1, batch_size=64)
        ae.reconstruct(small_data.x_test[:10])
        del ae
        gc.collect()
        resident.append(resident_mib())
    # The first models warm caches up; the last 15 add next to nothing. (On TensorFlow, without
    # aelib.training._tensorflow_leak, they added about 35 MB: one train-step graph each.)
    growth = resident[-1] - resident[MODELS // 2]
    assert growth < 12, f"resident MiB after each model: {resident}"


def test_a_trained_model_leaves_no_custom_gradient_behind(small_data):
    if keras.backend.backend() != "tensorflow":
        pytest.skip("TensorFlow's gradient registry only")
    from tensorflow.python.framework import ops

    def custom_gradients():
        return {name for name in ops._gradient_registry._registry
                if str(name).startswith("CustomGradient-")}

    before = custom_gradients()
    ae = aelib.build("vae", seed=0)
    aelib.train(ae, small_data, epochs=1, batch_size=64)
    assert custom_gradients() <= before  # the ones its training registered are gone
    assert release_custom_gradients(ae.autoencoder) == 0
    aelib.train(ae, small_data, epochs=1, batch_size=64)  # and it can train again
