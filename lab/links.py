"""Links in the URL: the Train page's setup (an experiment link) and the Sweep page's plan (a
sweep link), read on arrival and written back."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable

import streamlit as st

import aelib
from aelib.sweeps import links as sweep_links
from aelib.sweeps.plan import SEED, SweepPlan, parameter_specs, values_to_text
from lab import state
from lab.workspace import WORKSPACE_PARAM


def widget_text(spec: aelib.ParamSpec, value):
    """A value as its widget holds it: a list of numbers as "128, 64", the rest as is."""
    return ", ".join(map(str, value)) if spec.kind == "int_list" else value


def setting_values(setup: aelib.runs.links.Setup) -> dict[str, object]:
    """An `aelib.runs.links.Setup` as this lab's remembered settings, in the widgets' forms."""
    name = setup.architecture
    specs = {spec.name: spec for spec in aelib.REGISTRY[name].params}
    hparams = {f"{name}_{key}": widget_text(specs[key], value)
               for key, value in setup.hparams.items()}
    training = dict(setup.training)
    rate = training.pop("learning_rate")
    return {"arch": name, "dataset": setup.dataset,
            f"train_size_{setup.dataset}": setup.train_size,
            f"learning_rate_{training['optimizer']}": rate, **hparams, **training}


def sweep_setting_values(plan: SweepPlan) -> dict[str, object]:
    """A sweep's plan as the Sweep page's remembered settings, in the widgets' forms."""
    specs = parameter_specs(plan.architectures)
    values = {"sweep_architectures": list(plan.architectures), "sweep_vary": list(plan.grid),
              "sweep_seeds": values_to_text(SEED, plan.seeds)}
    values.update({f"sweep_values_{name}": values_to_text(specs[name][0], grid)
                   for name, grid in plan.grid.items()})
    values.update({f"sweep_{name}": widget_text(specs[name][0], value)
                   for name, value in plan.settings.items() if name != "train_size"})
    if "train_size" in plan.settings:  # the slider of the plan's dataset
        values[f"sweep_train_size_{plan.dataset}"] = plan.settings["train_size"]
    values["dataset"] = plan.dataset  # the lab's dataset: the sweep trains on it
    return values


def load_sweep(plan: SweepPlan) -> None:
    """Make `plan` the Sweep page's settings (and its dataset the lab's), as its link would;
    a button's callback, so it runs before the widgets are drawn."""
    for name, value in sweep_setting_values(plan).items():
        state.set_setting(name, value)


def _query() -> dict[str, str]:
    return {key: st.query_params[key] for key in st.query_params if key != WORKSPACE_PARAM}


def _apply(from_query: Callable, settings_of: Callable, seen: str) -> list[str]:
    """Make the link in the URL this session's settings, unless it was applied already (the
    session key `seen` holds the last); returns notices on values that fell back."""
    query = _query()
    if query == st.session_state.get(seen):
        return []
    decoded, notices = from_query(query)
    for name, value in settings_of(decoded).items():
        state.set_setting(name, value)
    st.session_state[seen] = query
    return notices


def _share(query: dict[str, str], seen: str) -> str:
    """Put `query` in the page's URL (keeping the workspace) and return the whole link."""
    for key in list(st.query_params):
        if key not in query and key != WORKSPACE_PARAM:
            del st.query_params[key]
    if {key: st.query_params.get(key) for key in query} != query:
        st.query_params.update(query)
    st.session_state[seen] = query
    base = (st.context.url or "").split("?")[0]
    return f"{base}?{urllib.parse.urlencode(query)}"


def apply_link() -> list[str]:
    """If the page was opened from an experiment link (or its URL was edited by hand), make
    that setup this session's settings. Returns notices on values that fell back to defaults."""
    if not _query():
        return []
    return _apply(aelib.runs.links.from_query, setting_values, state.LINK_QUERY)


def share_link(setup: aelib.runs.links.Setup) -> str:
    """Put `setup` in the page's URL and return the whole link, to copy and send."""
    return _share(aelib.runs.links.to_query(setup), state.LINK_QUERY)


def apply_sweep_link() -> list[str]:
    """If the page was opened from a sweep link, make its plan the Sweep page's settings.
    Returns notices on values that were dropped."""
    if sweep_links.SWEEP_KEY not in _query():
        return []
    return _apply(sweep_links.from_query, sweep_setting_values, state.SWEEP_LINK_QUERY)


def share_sweep(plan: SweepPlan) -> str:
    """Put a sweep's plan in the page's URL and return the whole link, to copy and send."""
    return _share(sweep_links.to_query(plan), state.SWEEP_LINK_QUERY)
