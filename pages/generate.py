"""Generate: the VAE's latent plane and manifold, a latent point decoded live, and interpolation
between two test images through code space for every model."""

import numpy as np
import streamlit as st

from aelib import analysis, figures
from pages import _state
from pages._model import require_model, test_codes

st.title("Generate")
model = require_model()
ae, data = model.ae, model.data

if ae.architecture == "vae":
    codes = test_codes(model)
    st.subheader("The latent plane")
    if "kl_loss" in model.history:
        st.plotly_chart(figures.vae_loss_terms(model.history))
    plane, manifold = st.columns(2)
    event = plane.plotly_chart(figures.latent_scatter(codes, data.y_test, pick_grid=31),
                               on_select="rerun", selection_mode="points", key="latent_plane")
    plane.caption("Click anywhere on the plane (or on a digit) to decode that point below.")
    span = manifold.slider("Manifold range (Gaussian quantiles)", 0.55, 0.99, 0.95, 0.01,
                           key="manifold_span",
                           help="The grid runs from the 1 - range to the range quantile of a "
                                "standard normal in each direction (the tutorial: 0.05 to 0.95).")
    images, values = analysis.latent_grid(ae, size=15, span=span)
    manifold.plotly_chart(figures.latent_manifold(images, values))

    st.subheader("Decode a point")
    clicked = event.selection.points[-1] if event.selection.points else None
    if clicked is not None:  # a click on the plane moves the first two sliders there
        xy = (float(np.clip(clicked["x"], -3, 3)), float(np.clip(clicked["y"], -3, 3)))
        if st.session_state.get(_state.LATENT_CLICK) != xy:
            st.session_state[_state.LATENT_CLICK] = xy
            for i, value in enumerate(xy):
                st.session_state[_state.LATENT_SLIDER.format(i)] = round(value, 2)
    point = np.zeros((1, ae.code_size), np.float32)
    sliders = st.columns(min(ae.code_size, 4))
    for i in range(min(ae.code_size, 4)):
        key = _state.LATENT_SLIDER.format(i)
        st.session_state.setdefault(key, 0.0)  # the value lives in session state
        point[0, i] = sliders[i].slider(f"z[{i}]", -3.0, 3.0, step=0.05, key=key)
    if ae.code_size > 4:
        st.caption(f"The other {ae.code_size - 4} latent dimensions stay at 0.")
    st.plotly_chart(figures.image_rows({"decoded": ae.decode(point)}), key="decoded_point")
else:
    st.info("New images from a latent space need the variational autoencoder (VAE): its "
            "decoder is trained to turn any likely point into an image. Interpolation below "
            "works for every model.")

st.subheader("Interpolate between two test images")
first, second, steps_column = st.columns(3)
last = len(data.x_test) - 1
a = first.number_input("From test image", 0, last, 0, key="interp_a")
b = second.number_input("To test image", 0, last, min(1, last), key="interp_b")
steps = steps_column.slider("Steps", 3, 15, 10, key="interp_steps")
path = analysis.interpolate(ae, data.x_test[a], data.x_test[b], steps=steps)
st.plotly_chart(figures.image_rows(
    {"path": path}, title="Decoded along the straight line between the two codes"))
