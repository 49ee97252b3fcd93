"""Plotly figures of a sweep's results: a metric against the varied parameter, seeds as error
bars, and the same test images reconstructed by every run. Rows come from
`aelib.sweeps.local.results`; each function returns a `go.Figure`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from aelib.explore.figures import image_rows
from aelib.explore.metrics import METRICS
from aelib.sweeps.plan import SweepPlan, format_value, parameter_specs

LAYOUT = dict(height=380, margin=dict(l=10, r=10, t=50, b=10),
              legend=dict(orientation="h", y=-0.2))


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
    x_name = names[0] if names else "architecture"
    x_values = list(plan.grid[x_name]) if names else list(plan.architectures)
    finished = [row for row in rows if row["status"] == "finished"]
    fig = go.Figure()
    by_architecture = bool(names) and len(plan.architectures) > 1
    for series, members in _series(finished, names[1:2], by_architecture).items():
        fig.add_trace(_mean_trace(members, x_name, x_values, metric, series))
        if shown.pca_partner is not None:
            fig.add_trace(_mean_trace(members, x_name, x_values, shown.pca_partner,
                                      f"PCA, same code size{f' ({series})' if series else ''}",
                                      dash="dash"))
    spec = parameter_specs(plan.architectures).get(x_name, [None])[0]
    numeric = spec is not None and spec.kind in ("int", "float")
    log_axis = numeric and spec.log_scale and min(x_values) > 0
    fig.update_xaxes(title=x_name, type="log" if log_axis else
                     ("linear" if numeric else "category"))
    fig.update_layout(title=f"{shown.label} against {x_name.replace('_', ' ')} "
                      f"(mean over seeds, ± one standard deviation)",
                      yaxis_title=shown.axis_title, **LAYOUT)
    return fig


def reconstructions_side_by_side(images: np.ndarray,
                                 reconstructions: Mapping[str, np.ndarray]) -> go.Figure:
    """The original test images on top, then one row per run: label -> its reconstructions."""
    return image_rows({"original": images, **reconstructions},
                      title="The same test images, reconstructed by every run")


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
