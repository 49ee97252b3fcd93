"""Autoencoder Lab: navigation and the sidebar shared by every page.

    streamlit run app.py
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import streamlit as st  # noqa: E402

from pages._shared import keep_keras_state, render_sidebar, workspace  # noqa: E402

st.set_page_config(page_title="Autoencoder Lab", page_icon=":material/blur_on:", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/train.py", title="Train", icon=":material/model_training:"),
    st.Page("pages/reconstructions.py", title="Reconstructions", icon=":material/compare:"),
    st.Page("pages/codes.py", title="Codes", icon=":material/scatter_plot:"),
    st.Page("pages/denoising.py", title="Denoising", icon=":material/blur_off:"),
    st.Page("pages/generate.py", title="Generate", icon=":material/auto_awesome:"),
    st.Page("pages/anomalies.py", title="Anomalies", icon=":material/report:"),
    st.Page("pages/runs.py", title="Runs", icon=":material/history:"),
    st.Page("pages/sweep.py", title="Sweep", icon=":material/tune:"),
]

keep_keras_state()
page = st.navigation(PAGES)
workspace()  # in a shared deployment, gives the visitor a private key in the URL
render_sidebar()
page.run()
