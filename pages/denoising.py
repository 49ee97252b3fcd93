"""Denoising: add noise to test images and see what the model makes of them."""

import streamlit as st

import aelib
from aelib.explore import analysis, figures
from lab.draw import draw_a_digit
from lab.model import require_model

st.title("Denoising")
model = require_model()
ae, data = model.ae, model.data
if ae.architecture != "denoising":
    st.caption("Any model can be shown noisy images; the denoising model was trained for it.")

noise_factor = st.slider("Noise factor", 0.0, 1.0, 0.5, 0.05, key="noise_factor",
                         help="Standard deviation of the Gaussian noise, as in the tutorial.")
seed = st.number_input("Noise seed", min_value=0, value=0, step=1, key="noise_seed")
noisy = aelib.add_noise(data.x_test, noise_factor, seed=int(seed))
denoised = ae.reconstruct(noisy)

before = analysis.reconstruction_errors(data.x_test, noisy, "mse").mean()
after = analysis.reconstruction_errors(data.x_test, denoised, "mse").mean()
noisy_column, denoised_column = st.columns(2)
noisy_column.metric("Error of the noisy images (MSE to clean)", f"{before:.4f}")
denoised_column.metric("Error after the model (MSE to clean)", f"{after:.4f}",
                       delta=f"{after - before:+.4f}", delta_color="inverse")

st.plotly_chart(figures.image_rows(
    {"noisy": noisy[:10], "denoised": denoised[:10], "clean": data.x_test[:10]},
    title=f"First ten test images, noise factor {noise_factor:.2f}"))

st.subheader("Draw a digit, add the noise, denoise it")
draw_a_digit(model, key="denoise_canvas", noise_factor=noise_factor)
