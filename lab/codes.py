"""Views of a model's codes: the map with the images on it, the replay of how it formed (the
Codes and Train pages), and one unit of a dense-family code."""

from __future__ import annotations

import numpy as np
import streamlit as st

import aelib
from aelib.data.shapes import COLOURS, SHAPES
from aelib.explore import analysis, code_figures, figures, projections, replay, units
from lab.model import analysed, memo

MAP_KEY = "codes_map"  # the map chart's key (its selection)
SHOWN = 20  # selected images shown at most
# The shapes' categorical factors, by name, for legends.
FACTOR_NAMES = {"shape": SHAPES, "colour": tuple(COLOURS)}


def colour_choices(data) -> dict[str, tuple[np.ndarray, tuple[str, ...]] | None]:
    """What the map's points can be coloured by: {choice: (a value per test image, names of
    categories)}, "label" first when there are labels, then each factor of generated data, and
    "nothing"."""
    choices = {}
    if data.has_labels:
        choices["label"] = (np.asarray(data.y_test), tuple(data.label_names))
    if data.factors_test is not None:
        for factor in data.factors_test.dtype.names:
            choices[factor] = (data.factors_test[factor], FACTOR_NAMES.get(factor, ()))
    choices["nothing"] = None
    return choices


def _projection(model, codes, method: str, perplexity: float) -> projections.Projection:
    """The map's projection, once per model and setting; the default t-SNE map is the one the
    background analysis made after training."""
    if method == "tsne" and perplexity == 30:
        tsne = analysed(model, "tsne", lambda: analysis.tsne_map(codes),
                        waiting="Finishing the t-SNE map...")
        return projections.Projection(tsne.embedding, tsne.indices, "tsne")
    with st.spinner(f"Computing the {projections.PROJECTION_TITLES[method]} map..."):
        return memo(f"map_{method}_{perplexity:g}",
                    lambda: projections.project(codes, method, perplexity=perplexity))


def _trustworthiness(model, codes, mapped: projections.Projection) -> float:
    """The t-SNE map's trustworthiness, once per perplexity (the default map's from the
    background analysis)."""
    perplexity = st.session_state.get("map_perplexity", 30)

    def compute():
        return analysis.tsne_trustworthiness(codes, analysis.TSNEMap(mapped.positions,
                                                                     mapped.indices))

    if perplexity == 30:
        return analysed(model, "trustworthiness", compute)
    return memo(f"trust_tsne_{perplexity:g}", compute)


def _pick_projection(model, codes) -> projections.Projection | None:
    """The projection widgets and the projection they ask for (None when it cannot be made,
    with the reason said)."""
    methods = list(projections.PROJECTIONS)
    method_column, perplexity_column = st.columns([2, 1])
    method = method_column.radio(
        "Projection", methods, index=methods.index("tsne"), horizontal=True,
        key="map_projection",
        format_func=projections.PROJECTION_TITLES.get,
        help=" ".join(projections.PROJECTIONS.values()))
    perplexity = perplexity_column.slider(
        "Perplexity (t-SNE)", 5, 50, 30, 5, key="map_perplexity", disabled=method == "pca",
        help="About how many neighbours each point keeps near it (UMAP: its neighbours).")
    if method == "umap" and not projections.umap_available():
        st.info(projections.UMAP_MISSING)
        return None
    try:
        return _projection(model, codes, method, float(perplexity))
    except ValueError as error:
        st.info(str(error))
        return None


def show_map(model, codes) -> None:
    """The test images on the map of their codes, coloured by a choice; clicking one shows it
    large with its reconstruction, a box or lasso shows the images selected."""
    ae, data = model.ae, model.data
    st.subheader("The map of the test codes")
    if analysis.is_planar(codes):
        st.caption("Codes of two numbers are a plane: drawn as they are, no projection needed.")
        mapped = projections.Projection(np.reshape(codes, (len(codes), 2)),
                                        np.arange(len(codes)), "pca")
        axis_titles = ("code[0]", "code[1]")
    else:
        mapped = _pick_projection(model, codes)
        if mapped is None:
            return
        axis_titles = mapped.axis_titles
        if mapped.method == "tsne":
            st.metric("Trustworthiness of the map",
                      f"{_trustworthiness(model, codes, mapped):.3f}",
                      help="scikit-learn's `trustworthiness` (5 neighbours): 1.0 when each "
                           "point's nearest neighbours on the map are also its neighbours in "
                           "code space; far-apart points on the map may still be close in "
                           "codes.")
    choices = colour_choices(data)
    colour_by = st.segmented_control("Colour by", list(choices), default=list(choices)[0],
                                     key="map_colour") or "nothing"
    chosen = choices[colour_by]
    indices = mapped.indices
    chart = code_figures.thumbnail_map(
        mapped.positions, data.x_test[indices],
        None if chosen is None else chosen[0][indices], indices=indices,
        label_names=() if chosen is None else chosen[1], colour_title=colour_by,
        axis_titles=axis_titles)
    st.caption(f"{min(len(indices), code_figures.THUMBNAILS)} of the {len(indices)} test images "
               "are drawn where their codes land, the others as dots. Hover for the label and "
               "test-image number; click an image to see it large with its reconstruction; "
               "pick the box or lasso tool (above the map) to select a region and see the "
               "images in it. Drag to zoom, double-click to zoom out.")
    event = st.plotly_chart(chart, on_select="rerun", selection_mode=("points", "box", "lasso"),
                            key=MAP_KEY)
    picked = [int(np.ravel(point["customdata"])[0]) for point in event.selection.points
              if "customdata" in point]
    if len(picked) == 1:
        show_one(ae, data, picked[0])
    elif picked:
        shown = picked[:SHOWN]
        st.plotly_chart(figures.image_rows(
            {"selected": data.x_test[shown], "reconstruction": ae.reconstruct(data.x_test[shown])},
            column_labels=[f"#{i}" for i in shown],
            title=f"{len(picked)} selected" + (f", first {SHOWN} shown" if len(picked) > SHOWN
                                               else "")), key="map_selected")


def show_one(ae, data, index: int) -> None:
    """One test image large, beside its reconstruction, with its label."""
    label = ""
    if data.has_labels:
        value = int(data.y_test[index])
        names = data.label_names
        label = f", label {names[value] if value < len(names) else value}"
    image = data.x_test[[index]]
    st.plotly_chart(figures.image_rows(
        {"image": image, "reconstruction": ae.reconstruct(image)}, cell_px=220,
        title=f"Test image #{index}{label}"), key="map_one")


def show_replay(history: dict, data, key: str) -> None:
    """The player of the model's replay (the test codes after each epoch), or a line saying
    there is none."""
    frames = replay.replay_frames(history)
    if frames is None:
        st.caption("No replay of the codes was kept for this model (it was opened from a file, "
                   "or trained before replays were kept).")
        return
    labels = np.asarray(data.y_test)[frames.indices] if data.has_labels else None
    st.plotly_chart(code_figures.code_replay(frames, labels, label_names=data.label_names),
                    key=key)
    st.caption(f"{len(frames.indices)} test images' codes after each epoch, on the first two "
               "principal axes of that epoch's codes, turned to line up with the epoch before "
               "(PCA fitted each epoch, then aligned): points move as far as their codes do. "
               "Drag the slider, or press Play.")


def is_dense_family(ae) -> bool:
    """Whether the model's code is a vector of units (dense, sparse, TopK, deep): the models a
    single unit means something in."""
    architecture = aelib.REGISTRY[ae.architecture]
    return architecture.input_mode == "flat" and not architecture.variational


def show_unit(model, codes) -> None:
    """One unit of the code: its top-9 test images, its activations, its decoded atom, its
    selectivity to the shapes' factors; and the units never active."""
    ae, data = model.ae, model.data
    st.subheader("One unit of the code")
    dead = memo("dead_units", lambda: units.dead_units(codes))
    unit = st.number_input("Unit", 0, ae.code_size - 1, 0, key="code_unit",
                           help="A position in the code, from 0.")
    top = units.unit_top_images(codes, unit)
    st.plotly_chart(figures.image_rows(
        {"top test images": data.x_test[top]},
        column_labels=[f"{codes.reshape(len(codes), -1)[i, unit]:.2f}" for i in top],
        title=f"The {len(top)} test images on which unit {unit} is highest"), key="unit_top")
    left, right = st.columns(2)
    left.plotly_chart(code_figures.unit_histogram(codes, unit), key="unit_histogram")
    right.plotly_chart(figures.image_rows(
        {"atom": units.unit_atom(ae, codes, unit)}, cell_px=200,
        title=f"Decoded from unit {unit} alone"), key="unit_atom")
    right.caption("The code is zero except this unit, set to its highest value on the test "
                  "images: what the unit adds to a reconstruction.")
    if data.factors_test is not None:
        st.plotly_chart(code_figures.unit_selectivity_bars(units.unit_selectivity(
            codes, unit, data.factors_test, names=FACTOR_NAMES)), key="unit_factors")
        st.caption("The unit's mean activation for each value of each factor (sizes and "
                   "positions in five bins); spread: the range of those means over the unit's "
                   "standard deviation.")
    if len(dead):
        st.warning(f"{len(dead)} of {ae.code_size} units are dead, never active on any test "
                   f"image: {', '.join(map(str, dead))}.", icon=":material/block:")
    else:
        st.caption(f"No dead units: each of the {ae.code_size} is active on some test image.")
