"""Plotly figures of a sweep's results: a metric against the varied parameter, seeds as error
bars, and the same test images reconstructed by every run. Rows come from
`aelib.sweeps.local.results`; each function returns a `go.Figure`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from aelib.explore.figures import image_rows
from aelib.explore.metrics import METRICS
from aelib.sweeps.plan import SweepPlan, format_value, parameter_specs

LAYOUT = dict(height=380, margin=dict(l=10, r=10, t=50, b=10),
              legend=dict(orientation="h", y=-0.2))
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")  # plotly's first


def metric_against_parameter(rows: Sequence[Mapping], plan: SweepPlan,
                             metric: str = "test_loss") -> go.Figure:
    """The metric against the sweep's first varied parameter (the architecture when nothing
    varies): one line per architecture and value of a second varied parameter, each point the
    mean over seeds with their standard deviation as error bars. For a metric with a PCA
    partner in `aelib.explore.metrics.METRICS` (the test loss, for one), that measure of PCA
    with the same code size as each run is drawn dashed beside it. Only finished runs count.

    Raises:
        ValueError: `metric` is not one of `METRICS`.
    """
    if metric not in METRICS:
        raise ValueError(f"Unknown metric {metric!r}: choose one of {', '.join(METRICS)}.")
    shown = METRICS[metric]
    names = list(plan.grid)
    x_name, x_values = _x_axis(plan)
    fig = go.Figure()
    by_architecture = bool(names) and len(plan.architectures) > 1
    for series, members in _series(_finished(rows), names[1:2], by_architecture).items():
        fig.add_trace(_mean_trace(members, x_name, x_values, metric, series))
        if shown.pca_partner is not None:
            fig.add_trace(_mean_trace(members, x_name, x_values, shown.pca_partner,
                                      f"PCA, same code size{f' ({series})' if series else ''}",
                                      dash="dash"))
    fig.update_xaxes(title=x_name, **_x_axis_type(plan, x_name, x_values))
    fig.update_layout(title=f"{shown.label} against {x_name.replace('_', ' ')} "
                      f"(mean over seeds, ± one standard deviation)",
                      yaxis_title=shown.axis_title, **LAYOUT)
    return fig


def metrics_against_parameter(rows: Sequence[Mapping], plan: SweepPlan,
                              metrics: Sequence[str]) -> go.Figure:
    """Several metrics against the sweep's first varied parameter, one small panel each (the
    β study's scorecard beside its test loss): each point the mean over seeds, ± one
    standard deviation, a line per value of a second varied parameter. Only finished runs.

    Raises:
        ValueError: a name that is not one of `METRICS`, or no metric at all.
    """
    from plotly.subplots import make_subplots

    unknown = [name for name in metrics if name not in METRICS]
    if unknown or not metrics:
        raise ValueError(f"Choose metrics among {', '.join(METRICS)}; got "
                         f"{', '.join(map(repr, unknown)) or 'none'}.")
    x_name, x_values = _x_axis(plan)
    columns = min(3, len(metrics))
    fig = make_subplots(rows=_grid_rows(len(metrics), columns), cols=columns,
                        subplot_titles=[METRICS[name].axis_title for name in metrics],
                        horizontal_spacing=0.08, vertical_spacing=0.14)
    groups = _series(_finished(rows), list(plan.grid)[1:2], len(plan.architectures) > 1)
    for place, name in enumerate(metrics):
        for colour, (series, members) in enumerate(groups.items()):
            trace = _mean_trace(members, x_name, x_values, name, series or "mean over seeds")
            trace.update(line_color=PALETTE[colour % len(PALETTE)], legendgroup=series,
                         showlegend=place == 0)
            fig.add_trace(trace, row=place // columns + 1, col=place % columns + 1)
    fig.update_xaxes(title=x_name, **_x_axis_type(plan, x_name, x_values))
    fig.update_annotations(font_size=12)
    fig.update_layout(title=f"Each metric against {x_name.replace('_', ' ')} (mean over seeds, "
                      "± one standard deviation)", height=260 * _grid_rows(len(metrics), columns),
                      margin=dict(l=10, r=10, t=80, b=10),
                      legend=dict(orientation="h", y=-0.12))
    return fig


def seed_variance_share(rows: Sequence[Mapping], plan: SweepPlan,
                        metrics: Sequence[str]) -> go.Figure:
    """How much of each metric's spread the seed alone makes, against the first varied
    parameter: at each value, the variance over its seeds divided by the variance over every
    finished run of the sweep (Locatello et al. 2019: a seed moves the disentanglement scores
    as much as the hyperparameters do). Near 1, the seed decides; near 0, the parameter does.
    The legend gives each metric's share over the whole sweep (the mean within-value variance
    over the total). A metric that does not vary at all is left out.

    Raises:
        ValueError: a name that is not one of `METRICS`.
    """
    unknown = [name for name in metrics if name not in METRICS]
    if unknown:
        raise ValueError(f"Choose metrics among {', '.join(METRICS)}; got "
                         f"{', '.join(map(repr, unknown))}.")
    x_name, x_values = _x_axis(plan)
    finished = _finished(rows)
    fig = go.Figure()
    for name in metrics:
        values = [row[name] for row in finished if row.get(name) is not None]
        total = float(np.var(values)) if len(values) > 1 else 0.0
        if total <= 0:
            continue
        shares, xs = [], []
        for x in x_values:
            at_x = [row[name] for row in finished
                    if _same(row.get(x_name), x) and row.get(name) is not None]
            if len(at_x) > 1:
                xs.append(format_value(x) if isinstance(x, (tuple, list)) else x)
                shares.append(float(np.var(at_x)) / total)
        overall = float(np.mean(shares)) if shares else float("nan")
        fig.add_trace(go.Scatter(x=xs, y=shares, mode="lines+markers",
                                 name=f"{METRICS[name].label} ({overall:.0%} overall)",
                                 hovertemplate="%{x}: %{y:.0%} of the variance<extra></extra>"))
    fig.update_xaxes(title=x_name, **_x_axis_type(plan, x_name, x_values))
    fig.update_yaxes(title="seeds' variance / all runs' variance", tickformat=".0%",
                     rangemode="tozero")
    fig.update_layout(title=f"How much the seed alone moves each metric, at each "
                      f"{x_name.replace('_', ' ')}", **LAYOUT)
    return fig


def reconstructions_side_by_side(images: np.ndarray,
                                 reconstructions: Mapping[str, np.ndarray]) -> go.Figure:
    """The original test images on top, then one row per run: label -> its reconstructions."""
    return image_rows({"original": images, **reconstructions},
                      title="The same test images, reconstructed by every run")


def _x_axis(plan: SweepPlan) -> tuple[str, list]:
    """The first varied parameter and its values; the architectures when nothing varies."""
    if plan.grid:
        name = next(iter(plan.grid))
        return name, list(plan.grid[name])
    return "architecture", list(plan.architectures)


def _x_axis_type(plan: SweepPlan, x_name: str, x_values: Sequence) -> dict:
    """A log axis for a log-scaled numeric parameter, linear for other numbers, else
    categories."""
    spec = parameter_specs(plan.architectures).get(x_name, [None])[0]
    numeric = spec is not None and spec.kind in ("int", "float")
    log_axis = numeric and spec.log_scale and min(x_values) > 0
    return {"type": "log" if log_axis else ("linear" if numeric else "category")}


def _finished(rows: Sequence[Mapping]) -> list[Mapping]:
    return [row for row in rows if row["status"] == "finished"]


def _grid_rows(panels: int, columns: int) -> int:
    """Rows of a grid of `panels` panels in `columns` columns."""
    return math.ceil(panels / columns)


def _series(rows: Sequence[Mapping], split_by: Sequence[str],
            by_architecture: bool) -> dict[str, list[Mapping]]:
    """Rows grouped into lines: by architecture (when several) and a second parameter."""
    groups: dict[str, list[Mapping]] = {}
    for row in rows:
        parts = ([row["architecture"]] if by_architecture else []) + \
            [f"{name}={format_value(row[name])}" for name in split_by]
        groups.setdefault(" · ".join(parts), []).append(row)
    return groups or {"": []}


def _mean_trace(rows: Sequence[Mapping], x_name: str, x_values: Sequence, metric: str,
                name: str, dash: str | None = None) -> go.Scatter:
    xs, means, spreads, counts = [], [], [], []
    for x in x_values:
        values = [row[metric] for row in rows
                  if _same(row.get(x_name), x) and row.get(metric) is not None]
        if values:
            xs.append(format_value(x) if isinstance(x, (tuple, list)) else x)
            means.append(float(np.mean(values)))
            spreads.append(float(np.std(values, ddof=1)) if len(values) > 1 else 0.0)
            counts.append(len(values))
    return go.Scatter(x=xs, y=means, name=name or metric, mode="lines+markers",
                      error_y=dict(type="data", array=spreads, visible=True),
                      line=dict(dash=dash), customdata=counts,
                      hovertemplate="%{x}: %{y:.4f}, mean of %{customdata} seeds<extra></extra>")


def _same(recorded, planned) -> bool:
    if isinstance(planned, tuple):
        return tuple(recorded or ()) == planned
    return recorded == planned
