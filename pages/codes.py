"""Codes: what each model's codes look like, with the view that fits the model (sparsity for
the autoencoders, the latent dimensions against N(0, 1) for the VAE), a map of them with the
images on it, how that map formed epoch by epoch, one unit of a dense code, and how much the
codes know."""

import streamlit as st

import aelib
from aelib.explore import analysis, figures
from aelib.jobs.tutorial import code_means_in_words
from lab.codes import is_dense_family, show_map, show_replay, show_unit
from lab.model import latent_frame, memo, require_model, codes_of_test_images


def show_sparsity(codes) -> None:
    """How sparse the codes are: the tutorial's mean activation, inactive units, zeros."""
    stats = memo("sparsity", lambda: analysis.sparsity_stats(codes))
    st.subheader("Sparsity")
    mean_column, inactive_column, zero_column = st.columns(3)
    mean_column.metric("Mean activation", f"{stats.mean_activation:.3f}",
                       help=f"The tutorial's `encoded_imgs.mean()`: {code_means_in_words()}.")
    inactive_column.metric("Inactive units", f"{stats.inactive_fraction:.0%}",
                           help=f"Code units never above {stats.threshold:g} on any test image.")
    zero_column.metric("Zero values", f"{stats.zero_fraction:.0%}",
                       help="Share of all code values at (or near) zero.")
    left, right = st.columns(2)
    left.plotly_chart(figures.unit_activity(stats))
    right.plotly_chart(figures.activation_histogram(stats))


def show_latent_fit(model, codes) -> None:
    """The VAE's latent dimensions against the prior N(0, 1) its KL term pulls them toward."""
    frame = latent_frame(model)
    st.subheader("The latent dimensions against N(0, 1)")
    st.plotly_chart(figures.latent_histograms(codes))
    st.dataframe({"dimension": [f"z[{d}]" for d in range(len(frame.centre))],
                  "mean": frame.centre, "standard deviation": frame.spread},
                 hide_index=True, column_config={"mean": st.column_config.NumberColumn(
                     format="%.2f"), "standard deviation": st.column_config.NumberColumn(
                     format="%.2f")})
    st.caption("The codes are the encoder's means for the test images. The KL term pulls each "
               "dimension toward N(0, 1): if the codes as a whole matched it, the means would "
               "centre on 0 with a spread a little under 1 (each image's own variance fills "
               "the rest). " + aelib.explore.advice.latent_spread_sentence(frame.spread))


st.title("Codes")
model = require_model()
ae, data = model.ae, model.data
codes = codes_of_test_images(model)

if aelib.REGISTRY[ae.architecture].variational:
    show_latent_fit(model, codes)
else:
    show_sparsity(codes)
shown = min(10, len(codes))
st.plotly_chart(figures.code_images(codes[:shown], data.x_test[:shown],
                                    title=f"The first {shown} test images and their codes"))

if len(codes) < analysis.MIN_TSNE_POINTS:
    st.info(f"A map of the codes needs at least {analysis.MIN_TSNE_POINTS} test images; this "
            f"dataset has {len(codes)}.")
else:
    show_map(model, codes)
st.subheader("Watch it form")
show_replay(model.history, data, key="codes_replay")

if is_dense_family(ae):
    show_unit(model, codes)

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
