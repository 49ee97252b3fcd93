"""Experiment links: a whole training setup (dataset, architecture, every hyperparameter,
training settings, seed) as URL query parameters, and back.

Like TensorFlow Playground's URL hash: a shared link restores the setup exactly, and since the
seed fixes the initial weights, the subset of training images and the batch order, training it
again gives the same loss curve. Reading a link never raises: a missing, unknown or tampered
value falls back to its default, with a notice saying which and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Mapping

from aelib.architectures import ARCHITECTURES, REGISTRY
from aelib.data.datasets import DATASETS, DEFAULT_DATASET
from aelib.params import ParamSpec
from aelib.settings import TRAIN_SIZE, TRAINING_PARAMS, learning_rate_for, training_spec

DEFAULT_ARCHITECTURE = ARCHITECTURES[0]
# Parameter names of the link beyond the hyperparameters' and training settings' own names.
ARCHITECTURE_KEY, DATASET_KEY = "arch", "data"


@dataclass(frozen=True)
class Setup:
    """Everything that decides a training run's outcome.

    Args:
        architecture: registry name.
        hparams: the architecture's hyperparameters, all of them.
        training: epochs, batch_size, optimizer, learning_rate and seed.
        dataset: a built-in dataset's name (`aelib.DATASETS`).
        train_size: training images to use (the app keeps it within the dataset's size).
    """

    architecture: str = DEFAULT_ARCHITECTURE
    hparams: dict = field(default_factory=dict)
    training: dict = field(default_factory=dict)
    dataset: str = DEFAULT_DATASET
    train_size: int = TRAIN_SIZE.default


def to_query(setup: Setup) -> dict[str, str]:
    """The setup as URL query parameters (all text)."""
    specs = {spec.name: spec for spec in (*REGISTRY[setup.architecture].params,
                                          *TRAINING_PARAMS)}
    values = {**setup.hparams, **setup.training}
    return {ARCHITECTURE_KEY: setup.architecture, DATASET_KEY: setup.dataset,
            TRAIN_SIZE.name: TRAIN_SIZE.to_text(setup.train_size),
            **{name: specs[name].to_text(value) for name, value in values.items()}}


def from_query(query: Mapping[str, str]) -> tuple[Setup, list[str]]:
    """Read a setup from URL query parameters; never raises.

    Returns:
        The setup, and one notice per value that was unknown or invalid and fell back to its
        default (empty for a clean link). Parameters a setup does not use are ignored.
    """
    notices: list[str] = []

    def read(spec: ParamSpec, default=None):
        default = spec.default if default is None else default
        if spec.name not in query:
            return default
        try:
            return spec.from_text(query[spec.name])
        except ValueError as error:
            notices.append(f"{error} The link's value was replaced by the default, "
                           f"{spec.to_text(default)}.")
            return default

    architecture = query.get(ARCHITECTURE_KEY, DEFAULT_ARCHITECTURE)
    if architecture not in REGISTRY:
        notices.append(f"The link's architecture {architecture!r} does not exist; using "
                       f"{DEFAULT_ARCHITECTURE!r}.")
        architecture = DEFAULT_ARCHITECTURE
    dataset = query.get(DATASET_KEY, DEFAULT_DATASET)
    if dataset not in DATASETS:
        notices.append(f"The link's dataset {dataset!r} is not one of the built-in datasets "
                       f"(uploads cannot be shared by link); using {DEFAULT_DATASET!r}.")
        dataset = DEFAULT_DATASET
    hparams = {spec.name: read(spec) for spec in REGISTRY[architecture].params}
    training = {name: read(training_spec(name)) for name in ("epochs", "batch_size", "optimizer")}
    training["learning_rate"] = read(training_spec("learning_rate"),
                                     learning_rate_for(training["optimizer"]))
    training["seed"] = read(training_spec("seed"))
    return Setup(architecture, hparams, training, dataset, read(TRAIN_SIZE)), notices
