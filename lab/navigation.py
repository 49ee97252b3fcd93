"""The lab's pages: each one's script, title and icon, named once for the app and every link.

`app.py` hands `pages()` to `st.navigation`; a page that links to or switches to another uses its
constant here (`st.switch_page(TRAIN_PAGE)`), and so do the tests.
"""

from __future__ import annotations

import streamlit as st

HOME_PAGE = "pages/home.py"
TRAIN_PAGE = "pages/train.py"
RECONSTRUCTIONS_PAGE = "pages/reconstructions.py"
CODES_PAGE = "pages/codes.py"
DENOISING_PAGE = "pages/denoising.py"
GENERATE_PAGE = "pages/generate.py"
LATENT_PAGE = "pages/latent.py"
ANOMALIES_PAGE = "pages/anomalies.py"
RUNS_PAGE = "pages/runs.py"
SWEEP_PAGE = "pages/sweep.py"
ANALYSIS_PAGE = RECONSTRUCTIONS_PAGE  # where an opened model is first shown
# The pages that show the model in hand (each needs one).
ANALYSIS_PAGES = (RECONSTRUCTIONS_PAGE, CODES_PAGE, DENOISING_PAGE, GENERATE_PAGE, LATENT_PAGE)

# Script, title and icon of each page, in the order of the navigation.
PAGES = (
    (HOME_PAGE, "Home", ":material/home:"),
    (TRAIN_PAGE, "Train", ":material/model_training:"),
    (RECONSTRUCTIONS_PAGE, "Reconstructions", ":material/compare:"),
    (CODES_PAGE, "Codes", ":material/scatter_plot:"),
    (DENOISING_PAGE, "Denoising", ":material/blur_off:"),
    (GENERATE_PAGE, "Generate", ":material/auto_awesome:"),
    (LATENT_PAGE, "Latent lab", ":material/grid_view:"),
    (ANOMALIES_PAGE, "Anomalies", ":material/report:"),
    (RUNS_PAGE, "Runs", ":material/history:"),
    (SWEEP_PAGE, "Sweep", ":material/tune:"),
)


def pages() -> list[st.Page]:
    """The lab's pages for `st.navigation`, Home first and the default."""
    return [st.Page(script, title=title, icon=icon, default=script == HOME_PAGE)
            for script, title, icon in PAGES]
