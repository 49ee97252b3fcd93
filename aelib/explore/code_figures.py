"""Plotly figures of codes: the map with the images on it, its replay over epochs, one unit of a
sparse code, and new images beside their nearest training images.

`aelib.explore.figures` hands these out under its own name (`aelib.figures.thumbnail_map`);
they share its image helpers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from aelib.explore.figures import LABEL_COLORS, _png_source, _title, image_rows

if TYPE_CHECKING:
    from aelib.explore.replay import ReplayFrames
    from aelib.explore.sampling import Samples
    from aelib.explore.units import Selectivity

THUMBNAILS = 300  # images drawn on a map; the other points are dots
THUMBNAIL_FRACTION = 1 / 24  # a thumbnail's side, as a share of the map's wider span
DOT = "#444444"  # dots and grey thumbnails without labels


def _is_categorical(labels: np.ndarray) -> bool:
    return np.issubdtype(labels.dtype, np.integer) or np.issubdtype(labels.dtype, np.bool_)


def _label_color(label) -> str:
    return LABEL_COLORS[int(label) % len(LABEL_COLORS)]


def _thumbnail_source(image: np.ndarray, color: str) -> str:
    """A colour image as it is; a grey one as its strokes in `color` on a clear background, so
    that it reads on the white map and shows its label's colour."""
    if image.shape[-1] == 3:
        return _png_source(image)
    from PIL import Image
    import base64
    import io

    rgb = np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)], np.uint8)
    rgba = np.zeros((*image.shape[:2], 4), np.uint8)
    rgba[..., :3] = rgb
    rgba[..., 3] = np.round(np.clip(image[..., 0], 0, 1) * 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _dots(positions: np.ndarray, labels: np.ndarray | None, indices: np.ndarray,
          label_names: Sequence[str], colour_title: str) -> list[go.Scatter]:
    """The map's points, one trace per label (or one, coloured along a continuous factor);
    `customdata` holds each point's index, for hover and selections."""
    hover = "index %{customdata}<extra></extra>"
    if labels is None:
        return [go.Scatter(x=positions[:, 0], y=positions[:, 1], mode="markers", name="images",
                           marker=dict(size=5, color=DOT), customdata=indices,
                           hovertemplate=hover)]
    if not _is_categorical(labels):
        return [go.Scatter(x=positions[:, 0], y=positions[:, 1], mode="markers",
                           name=colour_title, customdata=np.stack([indices, labels], axis=1),
                           marker=dict(size=6, color=labels, colorscale="Viridis",
                                       showscale=True, colorbar=dict(title=colour_title)),
                           hovertemplate=f"{colour_title} %{{customdata[1]:.3f}}<br>"
                           "index %{customdata[0]}<extra></extra>")]
    traces = []
    for group in sorted(set(labels.tolist())):
        mask = labels == group
        name = label_names[group] if 0 <= group < len(label_names) else str(group)
        traces.append(go.Scatter(
            x=positions[mask, 0], y=positions[mask, 1], mode="markers", name=name,
            marker=dict(size=6, color=_label_color(group)), customdata=indices[mask],
            hovertemplate=f"{colour_title} {name}<br>{hover}"))
    return traces


def _thumbnail_picks(count: int, thumbnails: int, seed: int) -> np.ndarray:
    if count <= thumbnails:
        return np.arange(count)
    return np.sort(np.random.default_rng(seed).choice(count, thumbnails, replace=False))


def thumbnail_map(positions: np.ndarray, images: np.ndarray, labels: np.ndarray | None = None,
                  *, indices: np.ndarray | None = None, thumbnails: int = THUMBNAILS,
                  label_names: Sequence[str] = (), colour_title: str = "label",
                  axis_titles: tuple[str, str] = ("1", "2"), title: str | None = None,
                  seed: int = 0) -> go.Figure:
    """Images on the map of their codes: a dot for every image, and up to `thumbnails` of them
    drawn as thumbnails at their positions, one layout image each (colour images in colour,
    grey ones in their label's colour).

    Args:
        positions: (m, 2) each image's place (a projection of its code).
        images: (m, height, width) or (m, height, width, channels), in [0, 1].
        labels: (m,) what colours the points: whole numbers are categories (a label, a
            shape), other numbers a continuous factor (a size) on a colour scale; None for
            one colour.
        indices: (m,) each image's index in its dataset, in `customdata` for hover and
            selections (and each layout image's `name`); None for 0 to m - 1.
        thumbnails: most images drawn (a seeded choice when there are more).
        label_names: a name per category, for the legend and hover.
        colour_title: what `labels` are, e.g. "label", "size".
        axis_titles: the two axes' titles, e.g. ("PCA 1", "PCA 2").
        title: the figure's title.
        seed: seed of the choice of thumbnails.

    Returns:
        The figure; `layout.images[i]` is the thumbnail of image `int(layout.images[i].name)`,
        centred on its position.

    Raises:
        ValueError: a different number of positions, images or labels.
    """
    positions = np.asarray(positions, np.float64).reshape(len(positions), 2)
    images = np.asarray(images, np.float32)
    if images.ndim == 3:
        images = images[..., None]
    indices = np.arange(len(positions)) if indices is None else np.asarray(indices)
    labels = None if labels is None else np.asarray(labels)
    sizes = {len(positions), len(images), len(indices)} | ({len(labels)} if labels is not None
                                                            else set())
    if len(sizes) != 1:
        raise ValueError(f"Give one position, image, index and label per point; got "
                         f"{len(positions)} positions, {len(images)} images, {len(indices)} "
                         f"indices and {'no' if labels is None else len(labels)} labels.")
    fig = go.Figure(_dots(positions, labels, indices, label_names, colour_title))
    if len(positions):
        low, high = positions.min(axis=0), positions.max(axis=0)
        side = max(float((high - low).max()), 1e-6) * THUMBNAIL_FRACTION
        for i in _thumbnail_picks(len(positions), thumbnails, seed):
            categorical = labels is not None and _is_categorical(labels)
            color = _label_color(labels[i]) if categorical else DOT
            fig.add_layout_image(source=_thumbnail_source(images[i], color), xref="x",
                                 yref="y", x=positions[i, 0], y=positions[i, 1], sizex=side,
                                 sizey=side, xanchor="center", yanchor="middle",
                                 sizing="contain", layer="above", name=str(int(indices[i])))
    fig.update_layout(title=_title(title), xaxis_title=axis_titles[0],
                      yaxis_title=axis_titles[1], height=620, plot_bgcolor="white",
                      margin=dict(l=10, r=10, t=50 if title else 10, b=10),
                      legend_title=colour_title, hovermode="closest",
                      # Streamlit turns clicks off while dragging selects: drags zoom, a click
                      # selects an image, and the box and lasso tools select regions.
                      dragmode="zoom", clickmode="event+select")
    fig.update_xaxes(showgrid=False, zeroline=False)
    fig.update_yaxes(showgrid=False, zeroline=False, scaleanchor="x")
    return fig


def code_replay(replay: ReplayFrames, labels: np.ndarray | None = None, *,
                label_names: Sequence[str] = (),
                title: str | None = "The test codes, epoch by epoch") -> go.Figure:
    """A player over a replay's frames (`aelib.explore.replay.replay_frames`): the followed
    test codes after each epoch, a slider to scrub through the epochs and a play button. The
    axes hold every frame, so a spread that grows shows; it opens on the last epoch.

    Args:
        replay: a `ReplayFrames`.
        labels: the followed images' labels (`y_test[replay.indices]`), or None.
        label_names: a name per label, for the legend.
        title: the figure's title.

    Returns:
        The figure, with one frame per recorded epoch (named by its epoch).
    """
    positions, epochs = np.asarray(replay.positions), [int(e) for e in replay.epochs]
    labels = None if labels is None else np.asarray(labels)
    groups = [None] if labels is None else sorted(set(labels.tolist()))

    def traces(frame: np.ndarray) -> list[go.Scatter]:
        out = []
        for group in groups:
            mask = np.ones(len(frame), bool) if group is None else labels == group
            name = "codes" if group is None else (
                label_names[group] if 0 <= group < len(label_names) else str(group))
            out.append(go.Scatter(x=frame[mask, 0], y=frame[mask, 1], mode="markers",
                                  name=name, customdata=np.asarray(replay.indices)[mask],
                                  hovertemplate="index %{customdata}<extra></extra>",
                                  marker=dict(size=5, color=DOT if group is None
                                              else _label_color(group))))
        return out

    fig = go.Figure(traces(positions[-1]),
                    frames=[go.Frame(data=traces(frame), name=str(epoch))
                            for frame, epoch in zip(positions, epochs, strict=True)])
    low, high = positions.reshape(-1, 2).min(axis=0), positions.reshape(-1, 2).max(axis=0)
    pad = (high - low) * 0.05 + 1e-6
    still = dict(mode="immediate", frame=dict(duration=0, redraw=True), transition=dict(
        duration=0))
    fig.update_layout(
        title=_title(title), height=560, plot_bgcolor="white", legend_title="label",
        margin=dict(l=10, r=10, t=50 if title else 10, b=10),
        xaxis=dict(range=[low[0] - pad[0], high[0] + pad[0]], title="PCA 1, aligned",
                   showgrid=False, zeroline=False),
        yaxis=dict(range=[low[1] - pad[1], high[1] + pad[1]], title="PCA 2, aligned",
                   showgrid=False, zeroline=False),
        sliders=[dict(active=len(epochs) - 1, currentvalue=dict(prefix="epoch "),
                      pad=dict(t=40), steps=[dict(label=str(e), method="animate",
                                                  args=[[str(e)], still]) for e in epochs])],
        updatemenus=[dict(type="buttons", showactive=False, x=0, y=0, xanchor="right",
                          yanchor="top", pad=dict(t=40, r=10), buttons=[
                              dict(label="Play", method="animate",
                                   args=[[str(e) for e in epochs],
                                         dict(mode="immediate", fromcurrent=False,
                                              frame=dict(duration=400, redraw=True),
                                              transition=dict(duration=200))])])])
    return fig


def unit_histogram(codes: np.ndarray, unit: int,
                   title: str | None = None) -> go.Figure:
    """The distribution of one unit's activations over `codes` (flattened), counts on a log
    scale so that the few large activations show beside the many zeros."""
    values = np.asarray(codes, np.float32).reshape(len(codes), -1)[:, unit]
    fig = go.Figure(go.Histogram(x=values, nbinsx=40, marker_color=LABEL_COLORS[0]))
    fig.update_layout(title=_title(title or f"Unit {unit}'s activations"),
                      xaxis_title="activation", yaxis_title="images", yaxis_type="log",
                      height=300, bargap=0.02, margin=dict(l=10, r=10, t=50, b=10))
    return fig


def unit_selectivity_bars(selectivities: Sequence[Selectivity],
                          title: str | None = None) -> go.Figure:
    """One panel per factor (`aelib.explore.units.unit_selectivity`): the unit's mean
    activation for each value of that factor, its selectivity in the panel's title."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=max(len(selectivities), 1), horizontal_spacing=0.04,
                        subplot_titles=[f"{s.factor} (spread {s.spread:.2f})"
                                        for s in selectivities])
    for column, item in enumerate(selectivities, start=1):
        fig.add_trace(go.Bar(x=[str(v) for v in item.values], y=item.means, showlegend=False,
                             marker_color=LABEL_COLORS[column % len(LABEL_COLORS)]), 1, column)
    fig.update_annotations(font_size=12)
    fig.update_yaxes(title_text="mean activation", row=1, col=1)
    fig.update_layout(title=_title(title or "How selective the unit is to each factor"),
                      height=320, margin=dict(l=10, r=10, t=80, b=10))
    return fig


def samples_beside_nearest(samples: Samples, x_train: np.ndarray,
                           title: str | None = None) -> go.Figure:
    """New images (`aelib.explore.sampling.Samples`) above their nearest training images, each
    column's distance (root-mean-square pixel difference) on top."""
    return image_rows(
        {"new": samples.images, "nearest training": np.asarray(x_train)[samples.nearest]},
        column_labels=[f"{d:.3f}" for d in samples.distances],
        title=title or "New images (top) and the nearest training image to each (bottom)")
