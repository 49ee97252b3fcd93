"""aelib: the classic autoencoders of "Building Autoencoders in Keras", in Keras 3.

    import aelib
    data = aelib.load_dataset("bundled")          # offline MNIST sample
    ae = aelib.build("conv")                      # one of aelib.ARCHITECTURES
    result = aelib.train(ae, data, epochs=5)
    images = ae.reconstruct(data.x_test[:10])

Names resolve on first use, so `import aelib` is quick and does not import Keras until a model,
a training run or a dataset that needs it is asked for.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "ARCHITECTURES": "aelib.architectures",
    "REGISTRY": "aelib.architectures",
    "Architecture": "aelib.architectures",
    "TrainingPreset": "aelib.architectures",
    "get_architecture": "aelib.architectures",
    "ParamSpec": "aelib.params",
    "Autoencoder": "aelib.autoencoder",
    "ModelSummary": "aelib.autoencoder",
    "build": "aelib.autoencoder",
    "Dataset": "aelib.datasets",
    "DATASETS": "aelib.datasets",
    "load_dataset": "aelib.datasets",
    "add_noise": "aelib.noise",
    "load_upload": "aelib.uploads",
    "train": "aelib.training",
    "TrainResult": "aelib.training",
    "TRAINING_PARAMS": "aelib.settings",
    "DEFAULT_LEARNING_RATES": "aelib.settings",
    "RunStore": "aelib.runs",
    "load_model_file": "aelib.model_files",
    "load_model_bytes": "aelib.model_files",
    "save_model_file": "aelib.model_files",
    "TrainingJob": "aelib.jobs",
    "JobQueue": "aelib.jobs",
    "JobSnapshot": "aelib.jobs",
    "OpenedModel": "aelib.opened",
    "TrainingSlots": "aelib.slots",
    "EpochStarted": "aelib.progress",
    "BatchProgress": "aelib.progress",
    "EpochEnded": "aelib.progress",
    "TrainingFinished": "aelib.progress",
    "sweep": "aelib.sweeps",
    "Sweep": "aelib.sweeps",
}
_SUBMODULES = ("active", "advice", "analysis", "anomaly", "architectures", "datasets",
               "distribution", "drawing", "figures", "images", "jobs", "links", "memory",
               "opened", "params", "progress", "quality", "runs", "settings", "shapes", "sizes",
               "slots", "snippets", "sweep_figures", "sweep_links", "sweep_plan", "sweeps",
               "training", "tutorial", "uploads")

__all__ = sorted([*_EXPORTS, *_SUBMODULES])


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"aelib.{name}")
    if name not in _EXPORTS:
        raise AttributeError(f"module 'aelib' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
