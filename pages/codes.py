"""Codes: how sparse they are, what they look like, a t-SNE map of them, how much they know."""

import numpy as np
import streamlit as st

from aelib import analysis, figures
from pages._model import analysed, memo, require_model, test_codes


def compute_tsne(codes):
    """The t-SNE map of a model whose map was not made in the background (a stored or uploaded
    one), with a spinner."""
    with st.spinner("Computing the t-SNE map (once per model)..."):
        return analysis.tsne_map(codes)


st.title("Codes")
model = require_model()
ae, data = model.ae, model.data
codes = test_codes(model)
stats = memo("sparsity", lambda: analysis.sparsity_stats(codes))

st.subheader("Sparsity")
mean_column, inactive_column, zero_column = st.columns(3)
mean_column.metric("Mean activation", f"{stats.mean_activation:.3f}",
                   help="The tutorial's `encoded_imgs.mean()`: 7.30 for its dense model, 3.33 "
                        "for the sparse one after 100 epochs.")
inactive_column.metric("Inactive units", f"{stats.inactive_fraction:.0%}",
                       help=f"Code units never above {stats.threshold:g} on any test image.")
zero_column.metric("Zero values", f"{stats.zero_fraction:.0%}",
                   help="Share of all code values at (or near) zero.")
left, right = st.columns(2)
left.plotly_chart(figures.unit_activity(stats))
right.plotly_chart(figures.activation_histogram(stats))
st.plotly_chart(figures.code_images(codes[:10], title="Codes of the first ten test images"))

st.subheader("t-SNE map of the test codes")
if len(codes) < analysis.MIN_TSNE_POINTS:
    st.info(f"A t-SNE map needs at least {analysis.MIN_TSNE_POINTS} test images; this dataset "
            f"has {len(codes)}.")
    st.stop()
tsne_map = analysed(model, "tsne", lambda: compute_tsne(codes),
                    waiting="Finishing the t-SNE map...")
trust = analysed(model, "trustworthiness", lambda: analysis.tsne_trustworthiness(codes, tsne_map))
st.metric("Trustworthiness of the map", f"{trust:.3f}",
          help="scikit-learn's `trustworthiness` (5 neighbours): 1.0 when each point's nearest "
               "neighbours on the map are also its neighbours in code space; far-apart points "
               "on the map may still be close in codes.")
st.caption("Hover for the label and test-image number; select points (box or lasso) to see "
           "those images.")
event = st.plotly_chart(figures.tsne_scatter(tsne_map, data.y_test), on_select="rerun",
                        selection_mode=("points", "box", "lasso"), key="tsne_chart")
chosen = [int(np.ravel(point["customdata"])[0]) for point in event.selection.points
          if "customdata" in point]
if chosen:
    shown = chosen[:20]
    st.plotly_chart(figures.image_rows(
        {"selected": data.x_test[shown]}, column_labels=[f"#{i}" for i in shown],
        title=f"{len(chosen)} selected" + (", first 20 shown" if len(chosen) > 20 else "")))

if data.has_labels:
    st.subheader("How much do the codes know?")
    accuracy = memo("knn", lambda: analysis.knn_comparison(ae, data, test_codes=codes))
    code_column, pca_column, pixel_column = st.columns(3)
    code_column.metric(f"5-NN accuracy on {ae.code_size}-number codes", f"{accuracy['codes']:.1%}")
    pca_column.metric(f"on {ae.code_size} PCA components", f"{accuracy['pca']:.1%}")
    pixel_column.metric(f"on {data.x_test[0].size} raw pixels", f"{accuracy['pixels']:.1%}")
    st.caption("A k-nearest-neighbour classifier (5,000 training images), never trained on "
               "labels: how much of the digit's identity each representation keeps. PCA with "
               "as many numbers as the code is the linear autoencoder to beat.")
