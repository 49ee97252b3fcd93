"""Home: what autoencoders are, the seven architectures, the dataset, and a one-click start."""

import streamlit as st

import aelib
from pages._shared import SETTING_PREFIX, get_dataset, model_summary

st.title("Autoencoder Lab")
st.markdown(
    "An **autoencoder** is a network trained to give back its input through a narrow middle: "
    "an *encoder* squeezes each image into a short **code**, a *decoder* rebuilds the image "
    "from the code alone. Nobody labels anything; the only goal is to lose as little as possible "
    "on the way. To do that, the code has to keep what matters about the images and drop the "
    "rest, which is why codes are useful: for compression, for denoising, for maps of a dataset "
    "and, with a variational autoencoder, for drawing new images. Pick a dataset, train a model "
    "in seconds, then look inside."
)

left, right = st.columns([2, 3])
with left:
    st.subheader("1. Dataset")
    st.radio("Images to learn from", list(aelib.DATASETS), format_func=aelib.DATASETS.get,
             key=f"{SETTING_PREFIX}dataset",
             help="The bundled sample works offline. MNIST and Fashion-MNIST download through "
                  "keras.datasets; offline, MNIST falls back to the bundled sample.")
    try:
        data = get_dataset()
    except ValueError as error:
        st.error(str(error))
        st.stop()
    st.success(f"Loaded: {data.source}. {len(data.x_train):,} training and "
               f"{len(data.x_test):,} test images of {data.image_shape[0]}x"
               f"{data.image_shape[1]} pixels.")
with right:
    st.subheader("2. Train")
    st.write("Start with the simplest model, a single dense layer with a 32-number code, for "
             "5 epochs; you can change everything on the Train page.")
    if st.button("Train a dense autoencoder now", type="primary", icon=":material/play_arrow:"):
        st.session_state[f"{SETTING_PREFIX}arch"] = "dense"
        st.session_state["autostart"] = True
        st.switch_page("pages/train.py")
    st.plotly_chart(aelib.figures.image_rows({"sample": data.x_train[:10]}),
                    config={"displayModeBar": False})

st.subheader("The seven architectures")
st.caption("As in the classic Keras tutorial \"Building Autoencoders in Keras\", in Keras 3.")
columns = st.columns(4)
for i, name in enumerate(aelib.ARCHITECTURES):
    arch = aelib.REGISTRY[name]
    summary = model_summary(name, tuple((s.name, s.default) for s in arch.params))
    with columns[i % 4].container(border=True):
        st.markdown(f"**{arch.title}** `{name}`")
        st.write(arch.purpose)
        st.caption(f"{summary.total_parameters:,} parameters · code "
                   f"{'x'.join(map(str, summary.code_shape))} · reads "
                   f"{aelib.architectures.INPUT_MODES[arch.input_mode]}")
