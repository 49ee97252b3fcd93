"""Draw a digit: a canvas, and what the model in hand makes of the drawing."""

from __future__ import annotations

import streamlit as st

import aelib
from aelib.images import shape_in_words
from lab import state
from lab.model import codes_of_test_images

CANVAS_PIXELS = 280


def _clear(key: str) -> None:
    clears = st.session_state.setdefault(state.CANVAS_CLEARS, {})
    clears[key] = clears.get(key, 0) + 1


def draw_a_digit(model, key: str, noise_factor: float = 0.0) -> None:
    """A drawing canvas with a clear button, and what `model` makes of the drawing (for models
    of 28x28 grey images only; others get a note saying why): the MNIST-style digit (with
    noise on top when `noise_factor` > 0), its reconstruction, its code, the test images
    nearest in code space and, for the VAE, its place on the latent plane."""
    from streamlit_drawable_canvas import st_canvas

    ae, data = model.ae, model.data
    if data.image_shape != (*aelib.data.drawing.DIGIT_SHAPE, 1):
        st.info(f"Drawing a digit works for models of MNIST's 28x28 grey images: a drawing is "
                f"turned into one the way MNIST's digits were made. This model takes "
                f"{shape_in_words(data.image_shape)} images, so there is "
                f"nothing to draw for it; train one on MNIST-like data to try it.",
                icon=":material/draw:")
        return
    clears = st.session_state.setdefault(state.CANVAS_CLEARS, {})
    canvas_column, result_column = st.columns([1, 2])
    with canvas_column:
        # A new key is a new, empty canvas: that is how the button clears it.
        drawn = st_canvas(stroke_width=22, stroke_color="#FFFFFF", background_color="#000000",
                          height=CANVAS_PIXELS, width=CANVAS_PIXELS, drawing_mode="freedraw",
                          return_image_data=True, key=f"{key}_{clears.get(key, 0)}")
        st.caption("Draw with the mouse or a finger.")
        st.button("Clear the drawing", icon=":material/ink_eraser:", key=f"{key}_clear",
                  on_click=_clear, args=(key,))
    try:
        if drawn.image_data is None:  # the browser has not sent a drawing yet
            raise ValueError("nothing drawn")
        digit = aelib.data.drawing.digit_from_drawing(drawn.image_data, data.image_shape)
    except ValueError:
        result_column.info("Draw a digit on the black square: it is centred and scaled like "
                           "MNIST's digits, then encoded and decoded.")
        return
    shown = aelib.add_noise(digit[None], noise_factor, seed=0) if noise_factor else digit[None]
    code = ae.encode(shown)
    rows = {"noisy" if noise_factor else "yours, as MNIST": shown, "reconstructed":
            ae.decode(code)}
    result_column.plotly_chart(aelib.explore.figures.image_rows(rows), key=f"{key}_digit")
    result_column.plotly_chart(aelib.explore.figures.code_images(code, title="Its code"),
                               key=f"{key}_code")
    nearest = aelib.explore.analysis.nearest_codes(codes_of_test_images(model), code[0], k=8)
    st.plotly_chart(aelib.explore.figures.image_rows(
        {"nearest": data.x_test[nearest]}, column_labels=[f"#{i}" for i in nearest],
        title="The test images nearest to it in code space"), key=f"{key}_nearest")
    if aelib.REGISTRY[ae.architecture].variational:
        st.plotly_chart(aelib.explore.figures.latent_scatter(
            codes_of_test_images(model), data.y_test, title="Its place on the latent plane",
            marked=code[0]), key=f"{key}_plane")
