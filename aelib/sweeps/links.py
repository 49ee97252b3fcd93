"""Sweep links: a sweep's setup (architectures, grid, seeds, settings, dataset) as URL query
parameters, and back, like `aelib.runs.links` for a single run.

    ?sweep=dense,sparse&encoding_dim=8,16,32&epochs=5&seeds=0,1,2&data=bundled

Each parameter holds its values separated by commas (by semicolons for lists of numbers, such as
`hidden_units=128,64,32;64,32`): several values are varied, one value is set for every run.
Reading a link never raises: an unknown or tampered value is dropped, or falls back to its
default, with a notice saying which and why.
"""

from __future__ import annotations

from collections.abc import Mapping

from aelib.architectures import REGISTRY
from aelib.data.datasets import DATASETS, DEFAULT_DATASET
from aelib.runs.links import DATASET_KEY, DEFAULT_ARCHITECTURE
from aelib.sweeps.plan import (
    SEED,
    SweepPlan,
    make_plan,
    parameter_specs,
    values_from_text,
    values_to_text,
)

SWEEP_KEY, SEEDS_KEY = "sweep", "seeds"  # the architectures, and the seeds
DEFAULT_PLAN = make_plan([DEFAULT_ARCHITECTURE], {"encoding_dim": [8, 16, 32]})


def to_query(plan: SweepPlan) -> dict[str, str]:
    """The plan as URL query parameters (all text)."""
    specs = parameter_specs(plan.architectures)
    values = {**{name: [value] for name, value in plan.settings.items()}, **plan.grid}
    return {SWEEP_KEY: ",".join(plan.architectures), DATASET_KEY: plan.dataset,
            SEEDS_KEY: values_to_text(SEED, plan.seeds),
            **{name: values_to_text(specs[name][0], given) for name, given in values.items()}}


def from_query(query: Mapping[str, str]) -> tuple[SweepPlan, list[str]]:
    """Read a sweep plan from URL query parameters; never raises.

    Returns:
        The plan, and one notice per value that was dropped or fell back to its default (empty
        for a clean link). Parameters that no architecture has are ignored.
    """
    notices: list[str] = []
    given = [name for name in query.get(SWEEP_KEY, "").split(",") if name]
    architectures = list(dict.fromkeys(name for name in given if name in REGISTRY))
    unknown = [name for name in given if name not in REGISTRY]
    if unknown:
        notices.append(f"The link's architectures {', '.join(unknown)} do not exist; they "
                       "were left out.")
    if not architectures:
        architectures = list(DEFAULT_PLAN.architectures)
        notices.append(f"The link names no architecture; using {architectures[0]}.")
    dataset = query.get(DATASET_KEY, DEFAULT_DATASET)
    if dataset not in DATASETS:
        notices.append(f"The link's dataset {dataset!r} is not one of the built-in datasets; "
                       f"using {DEFAULT_DATASET!r}.")
        dataset = DEFAULT_DATASET
    seeds = _read([SEED], query.get(SEEDS_KEY, "0"), (0,), notices)
    specs = parameter_specs(architectures)
    grid = {name: _read(specs[name], text, None, notices) for name, text in query.items()
            if name in specs}
    every_parameter = {spec.name for arch in REGISTRY.values() for spec in arch.params}
    for name in sorted((every_parameter - set(specs)) & set(query)):
        notices.append(f"{name} is not a parameter of every architecture of the link "
                       f"({', '.join(architectures)}); it was left out.")
    try:
        plan = make_plan(architectures, {k: v for k, v in grid.items() if v}, seeds=seeds,
                         dataset=dataset)
    except ValueError as error:
        notices.append(f"{error} Using the default sweep instead.")
        return DEFAULT_PLAN, notices
    return plan, notices


def _read(specs, text: str, default, notices: list[str]):
    try:
        return values_from_text(specs, text)
    except ValueError as error:
        fallback = "dropped" if default is None else f"replaced by {default}"
        notices.append(f"{error} The link's value {text!r} was {fallback}.")
        return default
