"""Generate: new images from any model (a Gaussian mixture fitted to its codes, decoded, beside
the nearest training images; for the VAE beside its prior's samples), the VAE's latent plane
and manifold, a latent point decoded live, and interpolation between two test images through
code space for every model."""

from functools import partial

import numpy as np
import streamlit as st

import aelib
from aelib.explore import analysis, figures
from lab import state
from lab.model import latent_frame, memo, require_model, codes_of_test_images

SLIDERS = 4  # latent dimensions with a slider; the others stay at their centre
STEP = 0.05  # the sliders' step
PLANE = "latent_plane"  # the plane chart's key: its selection lives in session state under it


def on_step(value: float, low: float, high: float) -> float:
    """`value` moved into [low, high] and onto the sliders' steps."""
    return round(float(np.clip(round(value / STEP) * STEP, low, high)), 2)


def decode_the_click(frame: analysis.LatentFrame) -> None:
    """on_select of the latent plane: move the first two sliders to the point clicked (a box or
    lasso selects no point to decode), kept inside the sliders' ranges."""
    selection = st.session_state[PLANE].selection
    if not selection.points or selection.box or selection.lasso:
        return
    clicked = selection.points[-1]
    for i, axis in enumerate(("x", "y")):
        st.session_state[state.LATENT_SLIDER.format(i)] = on_step(clicked[axis], frame.low[i],
                                                                   frame.high[i])


def show_samples(model) -> None:
    """New images from a Gaussian mixture fitted to the training codes (and, for a VAE, from
    its prior), each above its nearest training image."""
    ae, data = model.ae, model.data
    variational = aelib.REGISTRY[ae.architecture].variational
    st.subheader("New images from this model")
    count_column, seed_column = st.columns(2)
    count = count_column.slider("Images", 4, 16, 8, key="samples_count")
    seed = seed_column.number_input("Seed", 0, 10_000, 0, key="samples_seed",
                                    help="Another seed draws other images.")
    with st.spinner("Fitting a Gaussian mixture to the training codes..."):
        mixture = memo(f"mixture_{count}_{seed}",
                       lambda: analysis.mixture_samples(ae, data, count, seed))
    columns = st.columns(2) if variational else [st.container()]
    columns[-1].plotly_chart(figures.samples_beside_nearest(
        mixture, data.x_train, title=f"From a mixture of {mixture.components} Gaussian"
        f"{'' if mixture.components == 1 else 's'} fitted to the training codes"),
        key="mixture_samples")
    if variational:
        prior = memo(f"prior_{count}_{seed}",
                     lambda: analysis.prior_samples(ae, data, count, seed))
        columns[0].plotly_chart(figures.samples_beside_nearest(
            prior, data.x_train, title="From the prior N(0, I)"), key="prior_samples")
    distances = np.concatenate([mixture.distances] + ([prior.distances] if variational
                                                      else []))
    st.caption(
        f"Any model can make new images: fit a Gaussian mixture to the codes of the training "
        f"images (components chosen by BIC: {mixture.components} here), draw codes from it and "
        f"decode them. Under each new image is the training image nearest to it, and on top "
        f"their distance (root-mean-square pixel difference): median {np.median(distances):.3f}"
        f", where test images, which the model never trained on either, lie "
        f"{mixture.reference_distance:.3f} from theirs. Much nearer than that, the model copies;"
        " about as near, it makes images like the real ones." + (
            " The VAE's prior is what its KL term pulled the codes toward: where the two "
            "columns differ, the codes did not fill the prior." if variational else ""))


st.title("Generate")
model = require_model()
ae, data = model.ae, model.data

if aelib.REGISTRY[ae.architecture].variational:
    codes = codes_of_test_images(model)
    frame = latent_frame(model)
    st.subheader("The latent plane")
    if model.history:  # unknown for a model opened from a file
        st.plotly_chart(figures.vae_loss_terms(model.history))
    plane, manifold = st.columns(2)
    plane.plotly_chart(figures.latent_scatter(codes, data.y_test,
                                              pick_area=(frame.low[:2], frame.high[:2])),
                       on_select=partial(decode_the_click, frame), selection_mode="points",
                       key=PLANE)
    plane.caption("Click anywhere on the plane (or on a digit) to decode that point below; drag "
                  "to zoom, double-click to zoom out.")
    span = manifold.slider("Manifold range (Gaussian quantiles)", 0.55, 0.99, 0.95, 0.01,
                           key="manifold_span",
                           help="The grid runs from the 1 - range to the range quantile of a "
                                "normal distribution fitted to the test codes in each direction "
                                "(the tutorial: 0.05 to 0.95 of a standard normal).")
    images, values = analysis.latent_grid(ae, size=15, span=span, frame=frame)
    manifold.plotly_chart(figures.latent_manifold(images, values))
    manifold.caption(f"Centred on the test codes' mean ({frame.centre[0]:.2f}, "
                     f"{frame.centre[1]:.2f}), scaled by their spread ({frame.spread[0]:.2f}, "
                     f"{frame.spread[1]:.2f}); a VAE whose codes follow N(0, 1) gets the "
                     "tutorial's grid.")

    st.subheader("Decode a point")
    point = frame.centre[None].astype(np.float32)
    shown = min(ae.code_size, SLIDERS)
    sliders = st.columns(shown)
    for i in range(shown):
        key = state.LATENT_SLIDER.format(i)
        low, high = float(frame.low[i]), float(frame.high[i])
        # The value lives in session state: it starts at the codes' centre and stays in range.
        start = st.session_state.get(key, frame.centre[i])
        st.session_state[key] = on_step(start, low, high)
        point[0, i] = sliders[i].slider(f"z[{i}]", low, high, step=STEP, key=key)
    if ae.code_size > SLIDERS:
        st.caption(f"The other {ae.code_size - SLIDERS} latent dimensions stay at the test "
                   "codes' mean.")
    st.plotly_chart(figures.image_rows({"decoded": ae.decode(point)}), key="decoded_point")
else:
    st.info("The latent plane, its manifold and decoding a point you choose need the "
            "variational autoencoder (VAE): its decoder is trained to turn any likely point of "
            "its latent space into an image. The samples above and the interpolation below "
            "work for every model.")

st.subheader("Interpolate between two test images")
first, second, steps_column = st.columns(3)
last = len(data.x_test) - 1
a = first.number_input("From test image", 0, last, 0, key="interp_a")
b = second.number_input("To test image", 0, last, min(1, last), key="interp_b")
steps = steps_column.slider("Steps", 3, 15, 10, key="interp_steps")
path = analysis.interpolate(ae, data.x_test[a], data.x_test[b], steps=steps)
st.plotly_chart(figures.image_rows(
    {"path": path}, title="Decoded along the straight line between the two codes"))

show_samples(model)  # last: fitting the mixture takes a moment, the rest is drawn first
