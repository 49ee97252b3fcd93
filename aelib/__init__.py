"""aelib: the classic autoencoders of "Building Autoencoders in Keras", in Keras 3.

    import aelib
    data = aelib.load_dataset("bundled")          # offline MNIST sample
    ae = aelib.build("conv")                      # one of aelib.ARCHITECTURES
    result = aelib.train(ae, data, epochs=5)
    images = ae.reconstruct(data.x_test[:10])
    ae = aelib.pretrained("conv")                 # trained already, shipped with aelib

The packages, from the foundation up (each imports only those above it):

    params, settings, images   hyperparameters as data, training settings, what an image is
    memory                     the allocator settings a long-lived process wants
    architectures              the registry of the eight models and their builders
    model                      one model, whatever the architecture: build, sizes, model files
    data                       datasets, coloured shapes, uploads, noise, a drawn digit
    training                   train(): the fit, its progress events, devices
    explore                    what a trained model learned: analysis, quality, advice, figures
    jobs                       trainings in the background for many people in one process;
                               the pretrained models shipped with aelib (`aelib.pretrained`)
    runs                       keep a run (RunStore), share it as a link or a Keras script
    sweeps                     a grid of runs, here or on a Ray cluster

Names resolve on first use, so `import aelib` is quick and does not import Keras until a model,
a training run or a dataset that needs it is asked for.
"""

from __future__ import annotations

from aelib._lazy import attach
from aelib._moved import MOVED_MODULES, find_moved_modules

__version__ = "0.1.0"

_PACKAGES = ("params", "settings", "images", "memory", "architectures", "model", "data",
             "training", "explore", "jobs", "runs", "sweeps")
_EXPORTS = {
    "ARCHITECTURES": "architectures",
    "REGISTRY": "architectures",
    "Architecture": "architectures",
    "TrainingPreset": "architectures",
    "get_architecture": "architectures",
    "ParamSpec": "params",
    "Autoencoder": "model.autoencoder",
    "ModelSummary": "model.autoencoder",
    "build": "model.autoencoder",
    "Dataset": "data.datasets",
    "DATASETS": "data.datasets",
    "load_dataset": "data.datasets",
    "add_noise": "data.noise",
    "load_upload": "data.uploads",
    "train": "training.fit",
    "TrainResult": "training.fit",
    "TRAINING_PARAMS": "settings",
    "DEFAULT_LEARNING_RATES": "settings",
    "RunStore": "runs.store",
    "load_model_file": "model.files",
    "load_model_bytes": "model.files",
    "save_model_file": "model.files",
    "TrainingJob": "jobs.job",
    "JobQueue": "jobs.job",
    "JobSnapshot": "jobs.job",
    "OpenedModel": "jobs.opened",
    "pretrained": "jobs.pretrained",
    "TrainingSlots": "jobs.slots",
    "EpochStarted": "training.progress",
    "BatchProgress": "training.progress",
    "EpochEnded": "training.progress",
    "TrainingFinished": "training.progress",
    "sweep": "sweeps.local",
    "Sweep": "sweeps.local",
}

# Modules of a package that are public at the top level too, as the moved modules are.
_MODULES = {"disentanglement": "aelib.explore.disentanglement"}

find_moved_modules()
__getattr__, __dir__, __all__ = attach(
    __name__, submodules=_PACKAGES, names=_EXPORTS,
    aliases={**{old: new for old, new in MOVED_MODULES.items() if not old.startswith("_")},
             **_MODULES})
