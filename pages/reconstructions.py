"""Reconstructions: originals against the model's output and PCA's, errors, the worst cases."""

import numpy as np
import streamlit as st

import aelib
from aelib.explore import analysis, figures
from lab.draw import draw_a_digit
from lab.model import memo, require_model, say_pca_verdict, codes_of_test_images

st.title("Reconstructions")
model = require_model()
ae, data = model.ae, model.data

losses = memo("reconstruction_losses",
              lambda: analysis.reconstruction_losses(ae, data, codes_of_test_images(model)))
reconstructions, errors, pca = losses.reconstructions, losses.errors, losses.pca

model_column, pca_column, images_column = st.columns(3)
model_column.metric(f"Model test loss ({losses.label} per pixel)", f"{losses.test_loss:.4f}")
pca_column.metric(f"PCA with {pca.n_components} components", f"{pca.loss:.4f}",
                  delta=f"{pca.loss - losses.test_loss:+.4f} vs model", delta_color="off")
images_column.metric("Test images", f"{len(data.x_test):,}")
say_pca_verdict(ae, losses.test_loss, pca.loss)

st.subheader("Original, model, PCA")
how = st.radio("Which test images", ["random", "chosen"], horizontal=True,
               key="recon_choice")
if how == "random":
    seed = st.number_input("seed", min_value=0, value=0, step=1, key="recon_seed")
    indices = np.random.default_rng(int(seed)).choice(len(data.x_test),
                                                      size=min(10, len(data.x_test)),
                                                      replace=False)
else:
    text = st.text_input("Test image indices, comma-separated", "0, 1, 2, 3, 4, 5, 6, 7, 8, 9",
                         key="recon_indices")
    try:
        indices = np.array([int(part) for part in text.split(",") if part.strip()])
        if not len(indices) or indices.min() < 0 or indices.max() >= len(data.x_test):
            raise ValueError
    except ValueError:
        st.error(f"Type whole numbers between 0 and {len(data.x_test) - 1}, separated by commas.")
        st.stop()
st.plotly_chart(figures.image_rows(
    {"original": data.x_test[indices], aelib.REGISTRY[ae.architecture].title:
     reconstructions[indices], "PCA": pca.reconstructions[indices]},
    column_labels=[f"#{i}: {errors[i]:.3f}" for i in indices],
    title="Test image number and model error on top"))

st.subheader("The worst reconstructions")
worst = np.argsort(errors)[::-1][:10]
st.plotly_chart(figures.reconstruction_grid(data.x_test[worst], reconstructions[worst],
                                            errors[worst], title="Highest error first"))

st.plotly_chart(figures.error_histogram({"model": errors, "PCA": pca.errors}, losses.loss))

st.subheader("Draw a digit")
draw_a_digit(model, key="recon_canvas")
