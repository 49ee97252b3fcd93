"""Plotly figures of what an autoencoder does; each function returns a `go.Figure`.

Images, shaped (n, height, width) or (n, height, width, channels), are drawn as one mosaic per
figure with thin gaps: a grayscale heatmap for grey images, one PNG image (`go.Image`) for colour
ones. Either stays light in the browser even for the 15x15 latent manifold. Pages only place
these figures.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from aelib.architectures import LOSS_LABELS

if TYPE_CHECKING:
    from aelib.explore.analysis import SparsityStats, TSNEMap
    from aelib.explore.anomaly import AnomalyReport

GAP = 2  # pixels between images in a mosaic
PICK_TRACE = "click to decode"  # the latent plane's grid of points to select
LABEL_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                "#7f7f7f", "#bcbd22", "#17becf")


def _title(text: str | None) -> dict:
    """A chart title at the very top of the figure, in the room the top margin leaves it above
    panel titles or labels."""
    return dict(text=text, yref="container", y=1, yanchor="top", pad=dict(t=12))


# A legend at the foot of the figure, below the axes' titles, in rows when the figure is narrow.
FOOT_LEGEND = dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0.5,
                   xanchor="center")


def _mosaic(grid: np.ndarray, gap_value: float = np.nan) -> np.ndarray:
    """Tile (rows, cols, h, w, c) images into one (H, W, c) array with `gap_value` between."""
    rows, cols, height, width, channels = grid.shape
    out = np.full((rows * (height + GAP) - GAP, cols * (width + GAP) - GAP, channels),
                  gap_value, np.float32)
    for r in range(rows):
        for c in range(cols):
            top, left = r * (height + GAP), c * (width + GAP)
            out[top:top + height, left:left + width] = grid[r, c]
    return out


def _png_source(rgb: np.ndarray) -> str:
    """An (H, W, 3) image in [0, 1] as a PNG data URI: a few kB for the browser, where a
    list of numbers per pixel would take megabytes."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.round(np.clip(rgb, 0, 1) * 255).astype(np.uint8)).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _image_trace(grid: np.ndarray, zmax: float) -> go.Heatmap | go.Image:
    """Grey images as one heatmap (NaN gaps show the white background), colour images as one
    PNG with white gaps."""
    if grid.shape[-1] == 3:
        return go.Image(source=_png_source(_mosaic(grid, gap_value=1.0)), hoverinfo="skip")
    return go.Heatmap(z=_mosaic(grid)[..., 0], colorscale="gray", zmin=0.0, zmax=zmax,
                      showscale=False, hoverinfo="skip")


def _image_figure(grid: np.ndarray, row_labels: Sequence[str] = (),
                  column_labels: Sequence[str] = (), title: str | None = None,
                  zmax: float = 1.0, cell_px: int = 64) -> go.Figure:
    """A figure of (rows, cols, h, w) grey or (rows, cols, h, w, 1 or 3) images."""
    grid = np.asarray(grid, dtype=np.float32)
    if grid.ndim == 4:
        grid = grid[..., None]
    rows, cols, height, width, _ = grid.shape
    fig = go.Figure(_image_trace(grid, zmax))
    row_centres = [r * (height + GAP) + height / 2 for r in range(rows)]
    col_centres = [c * (width + GAP) + width / 2 for c in range(cols)]
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showgrid=False, zeroline=False,
                     tickvals=row_centres if row_labels else [], ticktext=list(row_labels))
    fig.update_xaxes(showgrid=False, zeroline=False, side="top",
                     tickvals=col_centres if column_labels else [], ticktext=list(column_labels))
    # Labels stay level in a small font (turned, they would climb into the title), next to the
    # images (the axes shrink to them).
    fig.update_xaxes(tickangle=0, tickfont_size=10, constrain="domain")
    fig.update_yaxes(constrain="domain")
    fig.update_layout(title=_title(title), height=max(160, rows * cell_px + 80),
                      margin=dict(l=10, r=10, t=(45 if title else 10) + (20 if column_labels
                                                                           else 0), b=10),
                      plot_bgcolor="white")
    return fig


def image_rows(rows: Mapping[str, np.ndarray], column_labels: Sequence[str] = (),
               title: str | None = None, cell_px: int = 64) -> go.Figure:
    """Rows of same-sized images, each row labelled: e.g. {"original": x, "reconstruction": r};
    each row shaped (n, h, w) or (n, h, w, channels); each row `cell_px` high.

    Raises:
        ValueError: rows of different lengths or image shapes.
    """
    arrays = [np.asarray(images, dtype=np.float32) for images in rows.values()]
    arrays = [a[..., None] if a.ndim == 3 else a for a in arrays]
    if len({a.shape for a in arrays}) != 1:
        raise ValueError("Every row needs the same number of images of the same shape; got "
                         + ", ".join(str(a.shape) for a in arrays) + ".")
    return _image_figure(np.stack(arrays), list(rows), column_labels, title, cell_px=cell_px)


def reconstruction_grid(originals: np.ndarray, reconstructions: np.ndarray,
                        errors: np.ndarray | None = None,
                        title: str | None = "Original (top) vs reconstruction (bottom)"
                        ) -> go.Figure:
    """Originals above their reconstructions, with each image's error on top when given."""
    labels = [f"{e:.3f}" for e in errors] if errors is not None else ()
    return image_rows({"original": originals, "reconstruction": reconstructions}, labels, title)


def _tiles(count: int) -> tuple[int, int]:
    """The most square (rows, columns) holding exactly `count` tiles (32 -> 4x8)."""
    rows = max(d for d in range(1, math.isqrt(count) + 1) if count % d == 0)
    return rows, count // rows


def _code_as_image(code: np.ndarray) -> np.ndarray:
    """A code as a small 2-D image: an (h, w, c) code as its c maps of h x w tiled with one
    blank pixel between them (4x4x8 -> 2x4 maps), a flat one folded into the most square
    rectangle (32 -> 4x8, as in the tutorial)."""
    if code.ndim == 3:
        height, width, channels = code.shape
        rows, cols = _tiles(channels)
        maps = code.transpose(2, 0, 1).reshape(rows, cols, height, width)
        out = np.full((rows * (height + 1) - 1, cols * (width + 1) - 1), np.nan, np.float32)
        for r in range(rows):
            for c in range(cols):
                out[r * (height + 1):r * (height + 1) + height,
                    c * (width + 1):c * (width + 1) + width] = maps[r, c]
        return out
    flat = code.reshape(-1)
    return flat.reshape(_tiles(len(flat)))


def code_images(codes: np.ndarray, images: np.ndarray | None = None,
                title: str | None = "Codes as images") -> go.Figure:
    """The tutorial's view of codes: each image's code drawn as a small grayscale picture
    (black the lowest value, white the highest), conv codes as one map per channel. With
    `images` (the images the codes are of, one per code), each image is drawn above its code.

    Raises:
        ValueError: a different number of images and codes.
    """
    from plotly.subplots import make_subplots

    codes = np.asarray(codes, dtype=np.float32)
    pictures = [_code_as_image(c) for c in codes]
    rows = [pictures]
    if images is not None:
        images = np.asarray(images, dtype=np.float32)
        if len(images) != len(codes):
            raise ValueError(f"Give one image per code; got {len(images)} images for "
                             f"{len(codes)} codes.")
        rows.insert(0, list(images[..., 0] if images.ndim == 4 and images.shape[-1] == 1
                            else images))
    low = min(0.0, float(np.nanmin(codes))) if codes.size else 0.0
    high = float(np.nanmax(codes)) if codes.size and np.nanmax(codes) > low else low + 1.0
    fig = make_subplots(rows=len(rows), cols=max(len(codes), 1), horizontal_spacing=0.01,
                        vertical_spacing=0.04)
    for r, row in enumerate(rows, start=1):
        is_code = r == len(rows)
        for c, picture in enumerate(row, start=1):
            if picture.ndim == 3:  # a colour image
                fig.add_trace(go.Image(source=_png_source(picture), hoverinfo="skip"), r, c)
            else:
                fig.add_trace(go.Heatmap(z=picture, colorscale="gray", showscale=False,
                                         zmin=low if is_code else 0.0,
                                         zmax=high if is_code else 1.0, hoverinfo="skip"), r, c)
    bare = dict(showticklabels=False, ticks="", showgrid=False, zeroline=False, showline=False)
    fig.update_xaxes(**bare)
    fig.update_yaxes(**bare, autorange="reversed")
    for index in range(1, len(rows) * len(codes) + 1):  # square pixels in every cell
        suffix = "" if index == 1 else str(index)
        fig.layout[f"yaxis{suffix}"].scaleanchor = f"x{suffix}"
    fig.update_layout(title=_title(title), height=100 + 70 * len(rows), plot_bgcolor="white",
                      margin=dict(l=10, r=10, t=50 if title else 10, b=10))
    return fig


def _epoch_trace(history: Mapping[str, Sequence[float]], name: str) -> go.Scatter:
    """A line of one history entry over epochs counted from 1 (empty if it is missing)."""
    values = history.get(name) or []
    return go.Scatter(x=list(range(1, len(values) + 1)), y=list(values), mode="lines+markers",
                      name=name)


def loss_curves(history: Mapping[str, Sequence[float]],
                names: Sequence[str] = ("loss", "val_loss"),
                title: str = "Loss per epoch") -> go.Figure:
    """One line per history entry in `names` that exists, over epochs counted from 1."""
    fig = go.Figure([_epoch_trace(history, name) for name in names])
    fig.update_layout(title=title, xaxis_title="epoch", yaxis_title="loss", height=320,
                      margin=dict(l=10, r=10, t=50, b=10), legend=dict(orientation="h", y=-0.25))
    return fig


def _label_scatter(points: np.ndarray, labels: np.ndarray | None, indices: np.ndarray,
                   title: str, axis_titles: tuple[str, str]) -> go.Figure:
    fig = go.Figure()
    groups = [None] if labels is None else sorted(set(np.asarray(labels).tolist()))
    for group in groups:
        mask = np.ones(len(points), bool) if group is None else np.asarray(labels) == group
        fig.add_trace(go.Scatter(
            x=points[mask, 0], y=points[mask, 1], mode="markers",
            name="images" if group is None else str(group),
            marker=dict(size=5, color=None if group is None else
                        LABEL_COLORS[int(group) % len(LABEL_COLORS)]),
            customdata=indices[mask],
            hovertemplate=("label " + str(group) + "<br>" if group is not None else "")
            + "index %{customdata}<extra></extra>",
        ))
    fig.update_layout(title=title, xaxis_title=axis_titles[0], yaxis_title=axis_titles[1],
                      height=520, margin=dict(l=10, r=10, t=50, b=10), legend_title="label",
                      dragmode="lasso")
    return fig


def tsne_scatter(tsne: TSNEMap, labels: np.ndarray | None = None,
                 title: str = "t-SNE of the test codes") -> go.Figure:
    """The t-SNE map coloured by label; hover shows label and index, `customdata` holds the
    index into the test set (for selections)."""
    picked = None if labels is None else np.asarray(labels)[tsne.indices]
    return _label_scatter(tsne.embedding, picked, tsne.indices, title, ("t-SNE 1", "t-SNE 2"))


def latent_scatter(codes: np.ndarray, labels: np.ndarray | None = None,
                   title: str = "Latent plane of the test images",
                   pick_area: tuple[Sequence[float], Sequence[float]] | None = None,
                   pick_grid: int = 41, marked: np.ndarray | None = None) -> go.Figure:
    """The first two latent dimensions of each code, coloured by label. `marked`, a code, is
    drawn as a large star (e.g. a drawn digit's place).

    With `pick_area`, ((x low, y low), (x high, y high)), the axes show that area and a faint
    `pick_grid` x `pick_grid` grid of points (the trace named `PICK_TRACE`) covers it, so that
    a click anywhere selects a point to decode (plotly selects the point nearest the click).
    Clicks select, drags zoom, and a selection dims nothing.
    """
    flat = np.asarray(codes).reshape(len(codes), -1)[:, :2]
    fig = _label_scatter(flat, labels, np.arange(len(flat)), title, ("z[0]", "z[1]"))
    if marked is not None:
        point = np.ravel(marked)[:2]
        fig.add_trace(go.Scatter(x=[point[0]], y=[point[1]], mode="markers", name="yours",
                                 marker=dict(symbol="star", size=22, color="black",
                                             line=dict(color="white", width=2))))
    if pick_area is not None:
        (x_low, y_low), (x_high, y_high) = pick_area
        xs, ys = np.meshgrid(np.linspace(x_low, x_high, pick_grid),
                             np.linspace(y_low, y_high, pick_grid))
        faint = dict(marker=dict(opacity=0.12))
        fig.update_traces(unselected=dict(marker=dict(opacity=1)))  # nothing fades on a click
        fig.add_trace(go.Scatter(x=xs.ravel(), y=ys.ravel(), mode="markers", name=PICK_TRACE,
                                 marker=dict(size=9, color="grey", opacity=0.12),
                                 selected=faint, unselected=faint,
                                 hovertemplate="decode (%{x:.2f}, %{y:.2f})<extra></extra>"))
        # Streamlit turns clicks off while dragging selects, so drags zoom and a click selects.
        fig.update_layout(dragmode="zoom", clickmode="event+select", hovermode="closest")
        fig.update_xaxes(range=[x_low, x_high])
        fig.update_yaxes(range=[y_low, y_high])
    return fig


def _epoch_axes(fig: go.Figure, epochs: int) -> None:
    """Whole epochs on every x axis, at most about eight ticks."""
    fig.update_xaxes(title_text="epoch", tick0=1, dtick=max(1, math.ceil(epochs / 8)))


def vae_loss_terms(history: Mapping[str, Sequence[float]],
                   title: str = "The VAE's two loss terms") -> go.Figure:
    """Reconstruction (per pixel) and KL (nats per image) side by side, training and
    validation: the two pull against each other, on scales too different for one axis."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                        subplot_titles=("reconstruction, per pixel", "KL, nats per image"))
    for column, term in enumerate(("reconstruction_loss", "kl_loss"), start=1):
        for name in (term, f"val_{term}"):
            fig.add_trace(_epoch_trace(history, name), row=1, col=column)
    fig.update_annotations(font_size=13)
    _epoch_axes(fig, len(history.get("reconstruction_loss") or []))
    fig.update_layout(title=_title(title), height=380, margin=dict(l=10, r=10, t=80, b=10),
                      legend=FOOT_LEGEND)
    return fig


def latent_histograms(codes: np.ndarray, max_dimensions: int = 16,
                      title: str = "Each latent dimension of the test codes against N(0, 1)"
                      ) -> go.Figure:
    """A VAE's codes (the encoder's means), one panel per latent dimension (the first
    `max_dimensions`): a density histogram of the codes with the standard normal density, the
    prior the KL term pulls them toward, drawn over it."""
    from plotly.subplots import make_subplots
    from scipy.stats import norm

    flat = np.asarray(codes, dtype=np.float64).reshape(len(codes), -1)[:, :max_dimensions]
    dimensions = flat.shape[1]
    cols = min(dimensions, 4)
    rows = math.ceil(dimensions / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[f"z[{d}]" for d in
                                                             range(dimensions)],
                        horizontal_spacing=0.06, vertical_spacing=0.45 / rows)
    for d in range(dimensions):
        low, high = min(-4.0, flat[:, d].min()), max(4.0, flat[:, d].max())
        xs = np.linspace(low, high, 200)
        first = d == 0
        fig.add_trace(go.Histogram(x=flat[:, d], histnorm="probability density", nbinsx=40,
                                   name="test codes", marker_color=LABEL_COLORS[0],
                                   opacity=0.7, legendgroup="codes", showlegend=first),
                      row=d // cols + 1, col=d % cols + 1)
        fig.add_trace(go.Scatter(x=xs, y=norm.pdf(xs), mode="lines", name="N(0, 1)",
                                 line=dict(color="black"), legendgroup="prior",
                                 showlegend=first),
                      row=d // cols + 1, col=d % cols + 1)
    fig.update_annotations(font_size=13)
    fig.update_layout(title=_title(title), height=140 + 220 * rows, bargap=0,
                      margin=dict(l=10, r=10, t=80, b=50), legend=FOOT_LEGEND)
    return fig


def unit_activity(stats: SparsityStats, title: str = "Mean activation per code unit") -> go.Figure:
    """Bar chart of each code unit's mean activation (see `analysis.sparsity_stats`)."""
    fig = go.Figure(go.Bar(x=list(range(len(stats.per_unit_mean))), y=stats.per_unit_mean))
    fig.update_layout(title=title, xaxis_title="unit", yaxis_title="mean activation", height=300,
                      margin=dict(l=10, r=10, t=50, b=10))
    return fig


def activation_histogram(stats: SparsityStats,
                         title: str = "Distribution of code values") -> go.Figure:
    """Histogram of all code values (see `analysis.sparsity_stats`)."""
    edges = stats.histogram_edges
    fig = go.Figure(go.Bar(x=(edges[:-1] + edges[1:]) / 2, y=stats.histogram_counts,
                           width=np.diff(edges)))
    fig.update_layout(title=title, xaxis_title="activation", yaxis_title="count", height=300,
                      yaxis_type="log", margin=dict(l=10, r=10, t=50, b=10), bargap=0)
    return fig


def error_histogram(errors: Mapping[str, np.ndarray], loss: str = "bce",
                    title: str = "Reconstruction error per image",
                    normalised: bool = False) -> go.Figure:
    """Overlaid histograms of per-image errors, e.g. {"model": ..., "PCA": ...}, measured in
    `loss` (the model's `loss`, a key of `aelib.architectures.LOSS_LABELS`), which names the
    x-axis. With `normalised`, each group's bars sum to 1, so a small group (the anomalies) is
    as visible as a large one.

    Raises:
        ValueError: an unknown loss.
    """
    if loss not in LOSS_LABELS:
        raise ValueError(f"loss must be one of {', '.join(LOSS_LABELS)} (a model's `loss`); "
                         f"got {loss!r}.")
    fig = go.Figure([go.Histogram(x=values, name=name, opacity=0.6, nbinsx=50,
                                  histnorm="probability" if normalised else None)
                     for name, values in errors.items()])
    fig.update_layout(title=title, barmode="overlay", xaxis_title=LOSS_LABELS[loss],
                      yaxis_title="share of images" if normalised else "images", height=320,
                      margin=dict(l=10, r=10, t=50, b=10))
    return fig


def roc_curve(report: AnomalyReport, title: str | None = None) -> go.Figure:
    """The ROC curve of an `aelib.explore.anomaly.AnomalyReport`, with the chance diagonal."""
    fig = go.Figure([
        go.Scatter(x=report.false_positive_rate, y=report.true_positive_rate, mode="lines",
                   name=f"reconstruction error (AUC {report.auc:.3f})"),
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance (AUC 0.5)",
                   line=dict(dash="dash", color="grey")),
    ])
    fig.update_layout(title=title or "ROC: anomalies found against normal images flagged",
                      xaxis_title="false positive rate (normal images flagged)",
                      yaxis_title="true positive rate (anomalies found)", height=380,
                      margin=dict(l=10, r=10, t=50, b=10), legend=dict(orientation="h", y=-0.3))
    return fig


def latent_manifold(images: np.ndarray, values: np.ndarray,
                    title: str = "Images decoded across the latent plane") -> go.Figure:
    """The tutorial's 15x15 manifold: images shaped (size, size, h, w, channels) and grid
    values shaped (size, 2) (each dimension's values, ascending) from `analysis.latent_grid`,
    the values on the axes."""
    values = np.asarray(values).reshape(len(values), -1)
    every = 1 if len(values) <= 8 else 2  # a label on every other image when they are many
    labels = [[f"{v:.2f}" if i % every == 0 else "" for i, v in enumerate(column)]
              for column in (values[:, 0], values[:, -1])]
    fig = _image_figure(images, labels[1][::-1], labels[0], title, cell_px=36)
    fig.update_xaxes(title="z[0]", side="bottom")
    fig.update_yaxes(title="z[1]")
    return fig


def runs_loss_curves(histories: Mapping[str, Mapping[str, Sequence[float]]],
                     name: str = "val_loss",
                     title: str = "Validation loss per epoch") -> go.Figure:
    """One line per run, e.g. {"run 3 (dense)": history, ...}, of one history entry."""
    fig = go.Figure()
    for label, history in histories.items():
        values = list(history.get(name) or [])
        fig.add_trace(go.Scatter(x=list(range(1, len(values) + 1)), y=values,
                                 mode="lines+markers", name=label))
    fig.update_layout(title=title, xaxis_title="epoch", yaxis_title=name, height=360,
                      margin=dict(l=10, r=10, t=50, b=10))
    return fig


def metric_bars(rows: Sequence[Mapping], metric: str, label_key: str = "run",
                title: str | None = None) -> go.Figure:
    """A bar per row (e.g. `RunStore.compare` rows) of one metric; rows without it are left out."""
    kept = [row for row in rows if row.get(metric) is not None]
    fig = go.Figure(go.Bar(x=[f"{label_key} {row[label_key]} ({row.get('architecture', '')})"
                              for row in kept], y=[row[metric] for row in kept]))
    fig.update_layout(title=title or metric.replace("_", " "), yaxis_title=metric, height=320,
                      margin=dict(l=10, r=10, t=50, b=10))
    return fig


# Figures of codes live beside this module (`aelib.explore.code_figures`, which uses its image
# helpers) and are handed out here too: `aelib.figures.thumbnail_map(...)`.
_CODE_FIGURES = ("thumbnail_map", "code_replay", "unit_histogram", "unit_selectivity_bars",
                 "samples_beside_nearest")


def __getattr__(name: str):
    """The figures of `aelib.explore.code_figures`, imported when first asked for."""
    if name in _CODE_FIGURES:
        from aelib.explore import code_figures

        return getattr(code_figures, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
