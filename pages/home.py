"""Home: what autoencoders are, the seven architectures, the dataset, and a one-click start."""

import numpy as np
import streamlit as st

import aelib
from aelib.datasets import DEFAULT_DATASET
from pages import _state
from pages._data import dataset_choices, get_dataset, use_upload
from pages._presets import use_preset
from pages._widgets import model_summary

ONE_CLICK_ARCHITECTURE = "dense"


def upload_panel() -> None:
    """The uploader: check the file, preview it, and make it the session's dataset on request."""
    st.caption("A .npz (arrays x and y), a .csv (one image per row, optional label column) or "
               "a .zip of PNG/JPEG images (one folder per label, optional). Images are "
               "converted to 28x28 grayscale. Your upload stays in your session only.")
    upload = st.file_uploader("Your images", type=["npz", "csv", "zip"], key="data_upload")
    if upload is None:
        return
    try:
        data = aelib.load_upload(upload.name, upload.getvalue())
    except ValueError as error:
        st.error(f"{upload.name}: {error}")
        return
    images = np.concatenate([data.x_train, data.x_test])
    labels = "none" if not data.has_labels else ", ".join(
        map(str, np.unique(np.concatenate([data.y_train, data.y_test]))))
    st.plotly_chart(aelib.figures.image_rows({"preview": images[:10]}),
                    config={"displayModeBar": False})
    st.write(f"**{len(images):,} images** of {data.image_shape[0]}x{data.image_shape[1]}, "
             f"values {images.min():.2f} to {images.max():.2f}, labels: {labels}.")
    st.caption("What was done: " + "; ".join(data.notes) + ".")
    st.button("Use this dataset", icon=":material/check:", on_click=use_upload, args=(data,))


def pick_dataset() -> None:
    """The dataset radio's callback: use the picked dataset if it loads; else keep the one in
    use and say why."""
    widget = _state.kept("dataset", DEFAULT_DATASET)
    picked, choices = st.session_state[widget], dataset_choices()
    try:
        get_dataset(picked)
    except ValueError as error:
        st.session_state[_state.DATASET_ERROR] = f"{choices.get(picked, picked)}: {error}"
        st.session_state[widget] = _state.setting("dataset", DEFAULT_DATASET)
    else:
        _state.remember("dataset", picked)


def one_click_start() -> None:
    """Home's button: the single dense model with its own defaults, started on the Train page."""
    architecture = aelib.REGISTRY[ONE_CLICK_ARCHITECTURE]
    _state.set_setting("arch", ONE_CLICK_ARCHITECTURE)
    for spec in architecture.params:
        _state.set_setting(f"{ONE_CLICK_ARCHITECTURE}_{spec.name}", spec.default)
    use_preset(architecture.training, own=False)  # its epochs, batch size and learning rate
    _state.set_setting("seed", aelib.settings.training_spec("seed").default)
    st.session_state[_state.AUTOSTART] = True


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
    choices = dataset_choices()
    st.radio("Images to learn from", list(choices), format_func=choices.get,
             key=_state.kept("dataset", DEFAULT_DATASET), on_change=pick_dataset,
             help="The bundled sample works offline. MNIST and Fashion-MNIST download through "
                  "keras.datasets; offline, MNIST falls back to the bundled sample.")
    failed = st.session_state.pop(_state.DATASET_ERROR, None)
    if failed:
        st.error(failed)
    data = get_dataset()
    with st.expander("Upload your own images", icon=":material/upload:"):
        upload_panel()
    st.success(f"In use: {data.source}. {len(data.x_train):,} training and "
               f"{len(data.x_test):,} test images of {data.image_shape[0]}x"
               f"{data.image_shape[1]} pixels.")
with right:
    st.subheader("2. Train")
    st.write(f"Start with the simplest model, a single dense layer with a 32-number code, for "
             f"{aelib.REGISTRY[ONE_CLICK_ARCHITECTURE].training.epochs} epochs; you can change "
             f"everything on the Train page.")
    if st.button("Train a dense autoencoder now", type="primary", icon=":material/play_arrow:",
                 on_click=one_click_start):
        st.switch_page("pages/train.py")
    st.plotly_chart(aelib.figures.image_rows({"sample": data.x_train[:10]}),
                    config={"displayModeBar": False})

st.subheader("The seven architectures")
st.caption("As in the classic Keras tutorial \"Building Autoencoders in Keras\", in Keras 3.")
columns = st.columns(4)
for i, name in enumerate(aelib.ARCHITECTURES):
    arch = aelib.REGISTRY[name]
    summary = model_summary(name, tuple((s.name, s.default) for s in arch.params), (28, 28))
    with columns[i % 4].container(border=True):
        st.markdown(f"**{arch.title}** `{name}`")
        st.write(arch.purpose)
        st.caption(f"{summary.total_parameters:,} parameters · code "
                   f"{'x'.join(map(str, summary.code_shape))} · reads "
                   f"{aelib.architectures.INPUT_MODES[arch.input_mode]}")
        with st.expander("The tutorial, corrected"):
            st.markdown(arch.tutorial)
