"""Resident memory of one process that trains model after model, as a shared lab does."""

import gc

import aelib

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
