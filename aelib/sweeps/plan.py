"""A sweep's plan: architectures x a grid of parameter values x seeds, one training per point.

The grid may vary any hyperparameter that every chosen architecture accepts, any training
setting and the number of training images; the values are checked against the same
`ParamSpec`s that drive the Train page and `aelib.build`, once, where the plan is made.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aelib.architectures import ARCHITECTURES, REGISTRY
from aelib.params import ParamSpec
from aelib.settings import TRAIN_SIZE, TRAINING_PARAMS, learning_rate_for, training_spec

if TYPE_CHECKING:
    from aelib.data.datasets import Dataset
    from aelib.model.autoencoder import Autoencoder

MAX_RUNS = 100
SEED = training_spec("seed")
# What a sweep may set besides hyperparameters; seeds are an axis of their own.
SETTING_SPECS = {spec.name: spec for spec in (*TRAINING_PARAMS, TRAIN_SIZE) if spec is not SEED}
# Rough seconds per epoch of 1,000 training images on 2 CPU cores (each architecture's
# `seconds_per_1000_image_epochs`, by its public name here), and per run for building, compiling
# and the final metrics: estimates before a store has runs to go by.
SECONDS_PER_1000_IMAGE_EPOCHS = {name: arch.seconds_per_1000_image_epochs
                                 for name, arch in REGISTRY.items()}
SECONDS_PER_RUN = 3.0


@dataclass(frozen=True)
class RunPoint:
    """One training of a sweep.

    Args:
        architecture: registry name.
        hparams: the hyperparameters the sweep sets (the others keep their defaults).
        training: keyword arguments for `aelib.train`: epochs, batch_size, optimizer,
            learning_rate and seed.
        train_size: training images to use (a subset drawn with the seed); None for all.
        varied: this point's value of each grid parameter.
    """

    architecture: str
    hparams: dict
    training: dict
    train_size: int | None
    varied: dict = field(default_factory=dict)

    @property
    def seed(self) -> int:
        """The run's seed (weights, training subset, batch order)."""
        return self.training["seed"]

    @property
    def label(self) -> str:
        """"dense · encoding_dim=16 · seed 0"."""
        return point_label(self.architecture, self.varied, self.seed)

    def make_model(self, image_shape: tuple[int, int]) -> Autoencoder:
        """The point's untrained `Autoencoder`, its weights drawn from its seed."""
        from aelib.model.autoencoder import build

        return build(self.architecture, seed=self.seed, image_shape=image_shape, **self.hparams)

    def training_data(self, data: Dataset) -> Dataset:
        """What the point trains on: `train_size` training images drawn with its seed (as on
        the Train page), and every test image."""
        return data.subset(self.train_size, None, seed=self.seed)


@dataclass(frozen=True)
class SweepPlan:
    """What a sweep trains; make one with `make_plan`, which validates it.

    Args:
        architectures: registry names.
        grid: parameter name -> its values (two or more each), in the order given.
        seeds: one run per seed for every architecture and grid point.
        settings: parameters set to one value for every run.
        dataset: the dataset's name.
    """

    architectures: tuple[str, ...]
    grid: dict[str, tuple]
    seeds: tuple[int, ...]
    settings: dict
    dataset: str = "bundled"

    @property
    def size(self) -> int:
        """How many trainings the sweep runs."""
        return len(self.architectures) * math.prod(map(len, self.grid.values())) * len(self.seeds)

    def points(self) -> list[RunPoint]:
        """One point per training, seed by seed: a sweep stopped early has whole curves."""
        combos = list(itertools.product(*self.grid.values()))
        return [_point(architecture, {**self.settings, **dict(zip(self.grid, combo, strict=True))},
                       dict(zip(self.grid, combo, strict=True)), seed)
                for seed in self.seeds for architecture in self.architectures
                for combo in combos]

    def check_training_images(self, available: int) -> None:
        """Raise ValueError, in words, when a run asks for more training images than the
        `available` ones of the dataset it trains on."""
        sizes = [point.train_size for point in self.points() if point.train_size]
        if sizes and max(sizes) > available:
            raise ValueError(f"train_size={max(sizes)} is more than the {available} training "
                             f"images of {self.dataset}: use at most {available}.")

    def to_dict(self) -> dict:
        """The plan as JSON-able data; `make_plan(**plan.to_dict())` gives it back."""
        return {"architectures": list(self.architectures), "seeds": list(self.seeds),
                "grid": {name: list(values) for name, values in self.grid.items()},
                "settings": dict(self.settings), "dataset": self.dataset}


def make_plan(architectures: Sequence[str] = ("dense",), grid: Mapping[str, Sequence] | None = None,
              *, seeds: Sequence[int] = (0,), settings: Mapping[str, Any] | None = None,
              dataset: str = "bundled") -> SweepPlan:
    """A validated sweep plan.

    Args:
        architectures: one or more of `aelib.ARCHITECTURES`.
        grid: parameter name -> list of values to try, e.g. `{"encoding_dim": [8, 16, 32]}`.
            A name is a hyperparameter of every chosen architecture, a training setting
            (epochs, batch_size, optimizer, learning_rate) or train_size. A single value is
            the same as setting it in `settings`.
        seeds: the seeds to repeat every point with.
        settings: parameters (same names as the grid) set to one value for every run.
        dataset: the dataset's name, kept with the plan.

    Returns:
        The plan; its `size` is at most `MAX_RUNS`.

    Raises:
        ValueError: an unknown architecture or parameter, a parameter some chosen architectures
            lack, a value out of its range, no or repeated values or seeds, or too many runs.
    """
    architectures = _architectures(architectures)
    specs = parameter_specs(architectures)
    grid, settings = dict(grid or {}), dict(settings or {})
    for name in (*grid, *settings):
        _check_name(name, architectures, specs)
    both = sorted(set(grid) & set(settings))
    if both:
        raise ValueError(f"{', '.join(both)} is both varied and set: keep it in one of grid "
                         "and settings.")
    fixed = {name: _checked(specs[name], value) for name, value in settings.items()}
    varied = {}
    for name, values in grid.items():
        values = _values(specs[name], values)
        if len(values) == 1:
            fixed[name] = values[0]
        else:
            varied[name] = values
    plan = SweepPlan(architectures, varied, _seeds(seeds), fixed, str(dataset))
    if plan.size > MAX_RUNS:
        raise ValueError(f"This sweep would train {plan.size} models; a sweep may train at "
                         f"most {MAX_RUNS}. Use fewer values, seeds or architectures.")
    return plan


def parameter_specs(architectures: Sequence[str]) -> dict[str, list[ParamSpec]]:
    """What a sweep of these architectures may set: name -> its spec in each architecture
    (one spec for training settings), for the hyperparameters they all accept, the training
    settings and train_size."""
    shared = {}
    for spec in REGISTRY[architectures[0]].params:
        others = [next((s for s in REGISTRY[name].params if s.name == spec.name), None)
                  for name in architectures[1:]]
        if all(others):
            shared[spec.name] = [spec, *others]
    return {**shared, **{name: [spec] for name, spec in SETTING_SPECS.items()}}


def values_from_text(specs: Sequence[ParamSpec], text: str) -> tuple:
    """Parse "8, 16, 32" (or "128,64,32; 64,32" for lists of numbers) into checked values.

    Raises:
        ValueError: a value its spec does not allow, or no value at all.
    """
    if specs[0].kind == "int_list":
        parts = text.split(";")
    else:
        parts = text.replace(";", ",").split(",")
    parts = [part for part in parts if part.strip()]
    if not parts:
        raise ValueError(f"Give at least one value for {specs[0].name}.")
    return _values(specs, [_checked(specs, specs[0].from_text(part)) for part in parts])


def values_to_text(spec: ParamSpec, values: Sequence) -> str:
    """Values as text that `values_from_text` reads back: "8,16,32", "128,64,32;64,32"."""
    return (";" if spec.kind == "int_list" else ",").join(spec.to_text(value) for value in values)


def point_label(architecture: str, varied: Mapping[str, Any], seed: int) -> str:
    """"dense · encoding_dim=16 · seed 0": a run of a sweep, in words."""
    values = [f"{name}={format_value(value)}" for name, value in varied.items()]
    return " · ".join([architecture, *values, f"seed {seed}"])


def format_value(value: Any) -> str:
    """A grid value in a label: 16, 0.001, 128-64-32."""
    if isinstance(value, (tuple, list)):
        return "-".join(map(str, value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def estimate_seconds(plan: SweepPlan, train_images: int, past_runs: Sequence = (),
                     parallel: int = 1) -> float:
    """Roughly how long the sweep takes: per architecture, the seconds per image and epoch of
    its finished `past_runs` (`RunRecord`s), else a built-in guess; `parallel` runs at once."""
    total = 0.0
    for point in plan.points():
        images = point.train_size or train_images
        per_image_epoch = _seconds_per_image_epoch(point.architecture, past_runs)
        total += SECONDS_PER_RUN + per_image_epoch * images * point.training["epochs"]
    return total / max(1, parallel)


def _seconds_per_image_epoch(architecture: str, past_runs: Sequence) -> float:
    measured = sorted(
        (run.seconds - SECONDS_PER_RUN) / (len(run.history["loss"]) * run.settings["train_images"])
        for run in past_runs if run.architecture == architecture and run.status == "finished"
        and run.seconds and run.history.get("loss") and run.settings.get("train_images"))
    if measured:
        return max(measured[len(measured) // 2], 0.0)
    return SECONDS_PER_1000_IMAGE_EPOCHS[architecture] / 1000


def _point(architecture: str, values: dict, varied: dict, seed: int) -> RunPoint:
    training = {name: values.get(name, SETTING_SPECS[name].default)
                for name in ("epochs", "batch_size", "optimizer")}
    training["learning_rate"] = learning_rate_for(training["optimizer"],
                                                  values.get("learning_rate"))
    training["seed"] = seed
    hparams = {spec.name: values[spec.name] for spec in REGISTRY[architecture].params
               if spec.name in values}
    return RunPoint(architecture, hparams, training, values.get(TRAIN_SIZE.name), varied)


def _architectures(architectures: Sequence[str]) -> tuple[str, ...]:
    if isinstance(architectures, str):
        architectures = [architectures]
    names = tuple(architectures)
    unknown = [name for name in names if name not in REGISTRY]
    if not names or unknown:
        raise ValueError(f"Choose architectures among {', '.join(ARCHITECTURES)}; got "
                         f"{', '.join(map(repr, unknown)) or 'none'}.")
    if len(set(names)) != len(names):
        raise ValueError(f"Each architecture may appear once; got {', '.join(names)}.")
    return names


def _check_name(name: str, architectures: tuple[str, ...], specs: dict) -> None:
    if name == SEED.name:
        raise ValueError("Seeds are an axis of their own: pass seeds=[...] instead of "
                         "setting seed.")
    if name in specs:
        return
    having = [arch for arch in architectures if any(s.name == name for s in REGISTRY[arch].params)]
    if having:
        lacking = [arch for arch in architectures if arch not in having]
        raise ValueError(f"{name} is a parameter of {', '.join(having)} but not of "
                         f"{', '.join(lacking)}: sweep those architectures apart, or set only "
                         f"what they share: {', '.join(specs)}.")
    raise ValueError(f"No chosen architecture has a parameter {name!r}; a sweep of "
                     f"{', '.join(architectures)} can set: {', '.join(specs)}.")


def _checked(specs: Sequence[ParamSpec], value: Any) -> Any:
    checked = [spec.validate(value) for spec in specs]  # every architecture must accept it
    return checked[0]


def _values(specs: Sequence[ParamSpec], values: Any) -> tuple:
    name = specs[0].name
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
        raise ValueError(f"The grid takes a list of values for {name}, e.g. "
                         f"[{specs[0].to_text(specs[0].default)}, ...]; got {values!r}.")
    checked = tuple(_checked(specs, value) for value in values)
    if len(set(checked)) != len(checked):
        raise ValueError(f"{name} has a value twice in {values!r}: each value once.")
    return checked


def _seeds(seeds: Sequence[int]) -> tuple[int, ...]:
    if isinstance(seeds, int):
        seeds = [seeds]
    if not seeds:
        raise ValueError("A sweep needs at least one seed, e.g. seeds=[0].")
    return _values([SEED], list(seeds))
