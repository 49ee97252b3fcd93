"""Home: what autoencoders are, the architectures, the dataset, a one-click start, and a trained
model to explore at once.

Home loads no Keras (and so no TensorFlow): the cards' sizes come from `aelib.model.sizes`, and the
text comes first, so a person who only reads Home gets it at once and costs the server little.
"""

import math

import numpy as np
import streamlit as st

import aelib
from aelib.data.datasets import DEFAULT_DATASET
from lab import state
from aelib.images import shape_in_words
from lab.data import checked_upload, dataset_choices, get_dataset, use_upload
from lab.model import open_pretrained, pretrained_choices
from lab.navigation import ANALYSIS_PAGE, TRAIN_PAGE
from lab.presets import use_preset

ONE_CLICK_ARCHITECTURE = "dense"
CARDS_PER_ROW = 4
UPLOAD_SIDES = (None, 28, 32, 64)  # the upload's resize choices: None keeps their size


def upload_panel() -> None:
    """The uploader: check the file, preview it, and make it the session's dataset on request."""
    limits = aelib.data.uploads.LIMITS
    largest = math.isqrt(limits.max_source_pixels)
    st.caption(
        f"A .npz (arrays x and y), a .csv (grey images, one per row, optional label column) or "
        f"a .zip of PNG/JPEG images (one folder per label, optional), up to "
        f"{limits.max_bytes // 2**20} MB. Images keep their colour (grey or RGB) and their size, "
        f"from {limits.min_side} to {limits.max_side} pixels a side, up to "
        f"{limits.max_images:,} images; larger ones (up to {largest}x{largest}) can be resized "
        f"below. Your upload stays in your session only.")
    upload = st.file_uploader("Your images", type=["npz", "csv", "zip"], key="data_upload")
    side = st.selectbox("Size", UPLOAD_SIDES, key="data_upload_side",
                        format_func=lambda s: "keep their size" if s is None else f"{s}x{s}",
                        help="Resize every image (bilinear), e.g. photos past the limit.")
    if upload is None:
        return
    try:
        data = checked_upload(upload, side)
    except ValueError as error:
        st.error(f"{upload.name}: {error}")
        return
    images = np.concatenate([data.x_train, data.x_test])
    labels = "none" if not data.has_labels else ", ".join(
        map(str, np.unique(np.concatenate([data.y_train, data.y_test]))))
    st.plotly_chart(aelib.explore.figures.image_rows({"preview": images[:10]}),
                    config={"displayModeBar": False})
    st.write(f"**{len(images):,} images** of {shape_in_words(data.image_shape)}, "
             f"values {images.min():.2f} to {images.max():.2f}, labels: {labels}.")
    st.caption("What was done: " + "; ".join(data.notes) + ".")
    st.button("Use this dataset", icon=":material/check:", on_click=use_upload, args=(data,))


def pick_dataset() -> None:
    """The dataset radio's callback: use the picked dataset if it loads; else keep the one in
    use and say why."""
    widget = state.kept("dataset", DEFAULT_DATASET)
    picked, choices = st.session_state[widget], dataset_choices()
    try:
        get_dataset(picked)
    except ValueError as error:
        st.session_state[state.DATASET_ERROR] = f"{choices.get(picked, picked)}: {error}"
        st.session_state[widget] = state.setting("dataset", DEFAULT_DATASET)
    else:
        state.remember("dataset", picked)


def one_click_start() -> None:
    """Home's button: the single dense model with its own defaults, started on the Train page."""
    architecture = aelib.REGISTRY[ONE_CLICK_ARCHITECTURE]
    state.set_setting("arch", ONE_CLICK_ARCHITECTURE)
    for spec in architecture.params:
        state.set_setting(f"{ONE_CLICK_ARCHITECTURE}_{spec.name}", spec.default)
    use_preset(architecture.training, own=False)  # its epochs, batch size and learning rate
    state.set_setting("seed", aelib.settings.training_spec("seed").default)
    st.session_state[state.AUTOSTART] = True


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
             key=state.kept("dataset", DEFAULT_DATASET), on_change=pick_dataset,
             help="The bundled MNIST sample, scikit-learn's digits and the coloured shapes work "
                  "offline. MNIST, Fashion-MNIST and CIFAR-10 download through keras.datasets; "
                  "offline, MNIST falls back to the bundled sample.")
    failed = st.session_state.pop(state.DATASET_ERROR, None)
    if failed:
        st.error(failed)
    data = get_dataset()
    with st.expander("Upload your own images", icon=":material/upload:"):
        upload_panel()
    st.success(f"In use: {data.source}. {len(data.x_train):,} training and "
               f"{len(data.x_test):,} test images of {shape_in_words(data.image_shape)} "
               f"pixels.")
with right:
    st.subheader("2. Train")
    one_click = aelib.model.sizes.summary(ONE_CLICK_ARCHITECTURE, image_shape=data.image_shape)
    st.write(f"Start with the simplest model, a single dense layer with a "
             f"{math.prod(one_click.code_shape)}-number code, for "
             f"{aelib.REGISTRY[ONE_CLICK_ARCHITECTURE].training.epochs} epochs; you can change "
             f"everything on the Train page.")
    if st.button("Train a dense autoencoder now", type="primary", icon=":material/play_arrow:",
                 on_click=one_click_start):
        st.switch_page(TRAIN_PAGE)
    st.write("Or explore a model trained already, with no wait: every page works with it at "
             "once (its dataset comes with it).")
    pretrained = pretrained_choices(data.name)
    picked = st.selectbox("Trained model", list(pretrained))
    if st.button("Explore a trained model now", icon=":material/explore:",
                 on_click=open_pretrained, args=pretrained[picked]):
        st.switch_page(ANALYSIS_PAGE)
    st.plotly_chart(aelib.explore.figures.image_rows({"sample": data.x_train[:10]}),
                    config={"displayModeBar": False})

names = list(aelib.ARCHITECTURES)
st.subheader(f"The {aelib.architectures.count_in_words(len(names))} architectures")
st.caption("As in the classic Keras tutorial \"Building Autoencoders in Keras\", in Keras 3; "
           f"sizes for the {shape_in_words(data.image_shape)} images in use.")
# Row by row, so that on a narrow screen, where columns stack, the cards keep the tutorial's order.
for row in range(0, len(names), CARDS_PER_ROW):
    for column, name in zip(st.columns(CARDS_PER_ROW), names[row:row + CARDS_PER_ROW],
                            strict=False):
        arch = aelib.REGISTRY[name]
        size = aelib.model.sizes.summary(name, image_shape=data.image_shape)
        with column.container(border=True):
            st.markdown(f"**{arch.title}** `{name}`")
            st.write(arch.purpose)
            st.caption(f"{size.parameters:,} parameters · code "
                       f"{'x'.join(map(str, size.code_shape))} · reads "
                       f"{aelib.architectures.INPUT_MODES[arch.input_mode]}")
            with st.expander("The tutorial, corrected"):
                st.markdown(arch.tutorial)
