"""Data-parallel training on two virtual CPU devices, under the backend the suite runs on.

Devices are fixed when a backend starts, so the check runs in a fresh Python process.
"""

import json
import os
import subprocess
import sys
import textwrap

import keras
import pytest

import aelib
from tests.support import ROOT


# Trains the same model from the same seed on one device, then data-parallel on two; prints the
# loss curves, how many copies of the first kernel there were, and (on JAX, whose placement of
# each batch can be watched) the rows of each batch that went to each device.
CHECK = textwrap.dedent("""
    import json, sys
    import keras
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf
        tf.config.set_logical_device_configuration(
            tf.config.list_physical_devices("CPU")[0], [tf.config.LogicalDeviceConfiguration()] * 2)
    import aelib

    shards = []
    if keras.backend.backend() == "jax":
        from keras.src.backend.jax import distribution_lib
        place = distribution_lib.distribute_data_input

        def watch(data, layout, batch_dim_name):
            placed = place(data, layout, batch_dim_name)
            shards.append(sorted(shard.data.shape[0] for shard in placed.addressable_shards))
            return placed

        distribution_lib.distribute_data_input = watch

    def copies(variable):
        value = variable.value
        if keras.backend.backend() == "jax":
            return len(value.sharding.device_set)
        return len(getattr(value, "values", [value]))  # a MirroredVariable has one per device

    data = aelib.load_dataset("bundled").subset(512, 128, seed=0)
    report = {"devices": aelib.training.distribution.available_devices()}
    for devices in (None, 2):
        ae = aelib.build(sys.argv[1], seed=0)
        result = aelib.train(ae, data, epochs=3, batch_size=64, seed=0, devices=devices)
        report[str(devices)] = {"loss": result.history["loss"],
                                "copies": copies(ae.autoencoder.trainable_variables[0]),
                                "reconstructs": list(ae.reconstruct(data.x_test[:3]).shape)}
    report["shards"] = shards
    print(json.dumps(report))
""")


# Trains three models data-parallel one after another, dropping each, and prints what each left
# behind: on TensorFlow the custom gradients TensorFlow registered
# (aelib.training._tensorflow_leak) and the traced graphs still alive; on JAX the arrays still
# alive.
LEFT_BEHIND = textwrap.dedent("""
    import gc, json
    import keras
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf
        tf.config.set_logical_device_configuration(
            tf.config.list_physical_devices("CPU")[0], [tf.config.LogicalDeviceConfiguration()] * 2)
    import aelib

    def left_behind():
        gc.collect()
        if keras.backend.backend() == "tensorflow":
            from tensorflow.python.framework import ops
            return {"custom_gradients": sum(str(name).startswith("CustomGradient-")
                                            for name in ops._gradient_registry._registry),
                    "graphs": sum(type(o).__name__ == "FuncGraph" for o in gc.get_objects())}
        import jax
        return {"arrays": len(jax.live_arrays())}

    data = aelib.load_dataset("bundled").subset(256, 64, seed=0)
    report = []
    for seed in range(3):
        ae = aelib.build("dense", seed=seed)
        aelib.train(ae, data, epochs=1, batch_size=64, devices=2)
        del ae
        report.append(left_behind())
    print(json.dumps(report))
""")


def run_check(architecture: str, script: str = CHECK) -> dict:
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=2",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script, architecture], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("architecture", ["dense", "conv"])
def test_data_parallel_training_on_two_devices_follows_the_same_curve(architecture):
    report = run_check(architecture)
    assert len(report["devices"]) == 2
    one, two = report["None"], report["2"]
    assert one["copies"] == 1 and two["copies"] == 2  # variables mirrored on both devices
    assert two["loss"] == pytest.approx(one["loss"], rel=1e-3)
    assert two["loss"][-1] < two["loss"][0]
    assert two["reconstructs"] == [3, 28, 28, 1]
    if keras.backend.backend() == "jax":  # every training batch of 64 went half to each device
        assert report["shards"] and all(rows == [32, 32] for rows in report["shards"]
                                        if sum(rows) == 64)


def test_data_parallel_models_leave_nothing_behind_once_dropped():
    # On TensorFlow, the train step's custom gradients read each device's copy of the variables;
    # before aelib.training._tensorflow_leak knew that, every model's graphs stayed, and the second
    # model failed on the first one's.
    report = run_check("dense", LEFT_BEHIND)
    assert report[0] == report[1] == report[2], report
    if keras.backend.backend() == "tensorflow":
        assert report[-1] == {"custom_gradients": 0, "graphs": 0}


def test_asking_for_more_devices_than_there_are_says_how_to_get_them(small_data):
    found = len(aelib.training.distribution.available_devices())
    with pytest.raises(ValueError, match="xla_force_host_platform_device_count"):
        aelib.train(aelib.build("dense"), small_data, epochs=1, devices=found + 1)
