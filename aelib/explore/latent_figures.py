"""Figures of what each latent dimension learned: its KL, its traversal, the factors it carries.

Pure functions returning Plotly figures, for the Latent lab page; the numbers come from
`aelib.analysis.kl_per_dimension`, `aelib.analysis.latent_traversal` and
`aelib.disentanglement.mutual_information`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from aelib.explore.analysis import INACTIVE_KL_NATS, REPLAY_VALUES
from aelib.explore.figures import _image_figure, _title

if TYPE_CHECKING:
    from aelib.explore.analysis import LatentSnapshot, PosteriorDraws

ACTIVE_COLOUR = "#1f77b4"
INACTIVE_COLOUR = "#c7c7c7"


def kl_order(kl: np.ndarray) -> np.ndarray:
    """Latent dimensions from the most KL to the least (ties in dimension order)."""
    return np.argsort(-np.asarray(kl, np.float64), kind="stable")


def kl_bars(kl: np.ndarray, threshold: float = INACTIVE_KL_NATS) -> go.Figure:
    """The KL of each latent dimension, sorted from most to least; those under `threshold`
    nats (inactive: their posterior is the prior) in grey.

    Args:
        kl: (latent_dim,) nats per image, `aelib.analysis.kl_per_dimension`.
        threshold: the KL under which a dimension counts as inactive.

    Returns:
        A bar chart, one bar per dimension named z0, z1, ...
    """
    kl = np.asarray(kl, np.float64)
    order = kl_order(kl)
    active = int(np.sum(kl >= threshold))
    fig = go.Figure(go.Bar(
        x=[f"z{i}" for i in order], y=kl[order],
        marker_color=[ACTIVE_COLOUR if kl[i] >= threshold else INACTIVE_COLOUR for i in order],
        hovertemplate="%{x}: %{y:.3f} nats<extra></extra>"))
    fig.update_layout(title=_title(f"KL per latent dimension: {active} of {len(kl)} active "
                                   f"(grey: under {threshold:g} nats, inactive)"),
                      xaxis_title="latent dimension, most KL first",
                      yaxis_title="KL (nats per image)", height=320,
                      margin=dict(l=10, r=10, t=50, b=10))
    fig.update_xaxes(type="category")
    return fig


def dimension_labels(kl: np.ndarray, information: np.ndarray | None = None,
                     factor_names: Sequence[str] = (),
                     threshold: float = INACTIVE_KL_NATS) -> list[str]:
    """A label per latent dimension: its name and KL, and, given the normalised mutual
    information (d, K) with the factors, the factor it carries most and how much of it (the
    share of the factor's entropy). Inactive dimensions say so.

    Returns:
        One label per dimension, in dimension order, e.g. "z3 · 4.1 nats · x 0.62".
    """
    labels = []
    for i, value in enumerate(np.asarray(kl, np.float64)):
        label = f"z{i} · {value:.2f} nats"
        if value < threshold:
            label += " · inactive"
        elif information is not None and len(factor_names):
            best = int(np.argmax(information[i]))
            label += f" · {factor_names[best]} {information[i, best]:.2f}"
        labels.append(label)
    return labels


def traversal_grid(images: np.ndarray, values: np.ndarray, kl: np.ndarray,
                   information: np.ndarray | None = None,
                   factor_names: Sequence[str] = ()) -> go.Figure:
    """Every latent dimension's traversal, a row each, sorted by KL (most first), each row
    labelled by `dimension_labels`.

    Args:
        images: (d, len(values), h, w, c), `aelib.analysis.latent_traversal`.
        values: what each column sets the dimension to.
        kl: (d,) the KL per dimension.
        information: (d, K) normalised mutual information with the factors, or None.
        factor_names: the K factors' names.

    Returns:
        One image figure.
    """
    order = kl_order(kl)
    labels = dimension_labels(kl, information, factor_names)
    return _image_figure(np.asarray(images)[order], [labels[i] for i in order],
                         [f"{v:+.1f}" for v in np.asarray(values, np.float64)],
                         title="Traversals: one dimension set to each value, the others kept",
                         cell_px=40)


def replay_grid(snapshot: LatentSnapshot) -> go.Figure:
    """One epoch's traversals from a replay: rows are the dimensions of most KL then.

    Args:
        snapshot: an `aelib.explore.analysis.LatentSnapshot`.
    """
    labels = dimension_labels(snapshot.kl)
    return _image_figure(snapshot.images.astype(np.float32) / 255,
                         [labels[i] for i in snapshot.dimensions],
                         [f"{v:+.1f}" for v in REPLAY_VALUES],
                         title=f"Traversals after epoch {snapshot.epoch}", cell_px=40)


def factor_heatmap(information: np.ndarray, factor_names: Sequence[str],
                   kl: np.ndarray | None = None) -> go.Figure:
    """The normalised mutual information between every latent dimension and every factor
    (continuous factors and the codes in 20 bins, as disentanglement_lib), dimensions sorted
    by KL when it is given.

    Args:
        information: (d, K) in [0, 1], `aelib.disentanglement.mutual_information(...,
            normalised=True)`.
        factor_names: the K factors' names.
        kl: (d,) the KL per dimension, to sort the rows; None keeps dimension order.

    Returns:
        A heatmap, dimensions down, factors across.
    """
    information = np.asarray(information, np.float64)
    order = np.arange(len(information)) if kl is None else kl_order(kl)
    fig = go.Figure(go.Heatmap(
        z=information[order], x=list(factor_names), y=[f"z{i}" for i in order],
        zmin=0.0, zmax=1.0, colorscale="Viridis", colorbar_title="MI / H(factor)",
        hovertemplate="%{y} and %{x}: %{z:.2f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(title=_title("Mutual information of each dimension with each factor"),
                      height=max(260, 22 * len(information) + 100),
                      margin=dict(l=10, r=10, t=50, b=10))
    return fig


def posterior_ellipse(codes: np.ndarray, draws: PosteriorDraws) -> go.Figure:
    """A 2-d latent plane: the test codes in grey, one image's posterior q(z|x) as the ellipse
    mean ± 2 standard deviations, and the draws from it.

    Args:
        codes: (n, 2) the test images' latent means.
        draws: an `aelib.analysis.PosteriorDraws` of a 2-d model.

    Returns:
        A scatter with the ellipse.

    Raises:
        ValueError: codes that are not 2-d.
    """
    codes = np.asarray(codes, np.float64)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(f"The posterior ellipse needs a 2-d latent; got codes shaped "
                         f"{codes.shape}.")
    angles = np.linspace(0, 2 * np.pi, 73)
    ellipse = draws.mean[:2, None] + 2 * draws.std[:2, None] * np.stack([np.cos(angles),
                                                                        np.sin(angles)])
    fig = go.Figure([
        go.Scattergl(x=codes[:, 0], y=codes[:, 1], mode="markers", name="test codes",
                     marker=dict(color=INACTIVE_COLOUR, size=4), hoverinfo="skip"),
        go.Scatter(x=ellipse[0], y=ellipse[1], mode="lines", name="mean ± 2σ",
                   line=dict(color=ACTIVE_COLOUR, width=2)),
        go.Scatter(x=draws.samples[:, 0], y=draws.samples[:, 1], mode="markers",
                   name="draws (decoded beside)", marker=dict(color="#d62728", size=8)),
    ])
    fig.update_layout(title=_title("The image's posterior q(z|x)"), height=420,
                      xaxis_title="z0", yaxis_title="z1", margin=dict(l=10, r=10, t=50, b=10),
                      legend=dict(orientation="h", y=-0.2))
    fig.update_yaxes(scaleanchor="x")
    return fig
