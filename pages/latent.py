"""Latent lab: what each dimension of a VAE's code learned, measured against the data's factors
where the dataset has them (the coloured shapes), as the disentanglement papers measure it."""

import numpy as np
import streamlit as st

import aelib
from aelib.explore import analysis, figures, latent_figures
from aelib.explore.metrics import INTERVENTIONAL
from lab import state
from lab.model import memo, require_model, codes_of_test_images
from lab.workspace import run_store

STEPS = 11  # traversal values from -3 to +3
POLL_SECONDS = 2.0  # while the interventional scores are computed in the background
SCORING_NOTE = (f"definitions and code as in disentanglement_lib, on the encoder's means of "
                f"{aelib.disentanglement.SCORECARD_CODES:,} fresh images. DCI's importances "
                f"come from an ExtraTreesClassifier({aelib.disentanglement.DCI_TREES} trees, "
                f"depth <= {aelib.disentanglement.DCI_MAX_DEPTH}) instead of the lib's gradient "
                "boosting (much faster, the same on the lib's own test cases).")

st.title("Latent lab")
model = require_model()
ae, data = model.ae, model.data
if not aelib.REGISTRY[ae.architecture].variational:
    st.info("The latent lab reads a VAE's code, one Gaussian per dimension pulled towards "
            "N(0, 1). Train a vae (try beta 4 on the coloured shapes, whose factors are known).")
    st.stop()

kl = memo("kl_per_dimension", lambda: analysis.kl_per_dimension(ae, data.x_test))
st.plotly_chart(latent_figures.kl_bars(kl))
st.caption(f"The KL of each dimension's posterior from the prior, averaged over the test "
           f"images. A dimension under {analysis.INACTIVE_KL_NATS:g} nats is inactive: its "
           "posterior is the prior, so the decoder gets nothing through it.")

replay = model.snapshot().replay if hasattr(model, "snapshot") else ()
if replay:
    st.subheader("Replay the training")
    epoch = st.select_slider("After epoch", [snapshot.epoch for snapshot in replay],
                             value=replay[-1].epoch, key=state.REPLAY_EPOCH)
    shot = next(snapshot for snapshot in replay if snapshot.epoch == epoch)
    kl_then, rows = st.columns([1, 2])
    kl_then.plotly_chart(latent_figures.kl_bars(shot.kl), key="replay_kl")
    rows.plotly_chart(latent_figures.replay_grid(shot), key="replay_traversals")
    st.caption("Kept after every epoch: the KL per dimension on the training batches, and the "
               "traversals of the first preview image along its dimensions of most KL. Scrub "
               "to watch units switch on and specialise.")
    st.subheader("The trained model")

codes = codes_of_test_images(model)
information, names = None, ()
if data.factors_test is not None:
    information = memo("factor_information", lambda: aelib.disentanglement.mutual_information(
        codes, data.factors_test, normalised=True))
    names = aelib.disentanglement.factor_table(data.factors_test).names

image, centre = st.columns(2)
index = image.number_input("Test image to traverse from", 0, len(codes) - 1, 0,
                           key=state.TRAVERSAL_IMAGE)
around = centre.radio("Keep the other dimensions at", ("this image's code", "the codes' mean"),
                      horizontal=True, key=state.TRAVERSAL_CENTRE)
start = codes[index] if around == "this image's code" else codes.mean(axis=0)
values = np.linspace(-3.0, 3.0, STEPS)
images = analysis.latent_traversal(ae, start, values)
st.plotly_chart(latent_figures.traversal_grid(images, values, kl, information, names))
if ae.code_size == 2:
    draws = analysis.posterior_draws(ae, data.x_test[index], num_samples=8, seed=index)
    plane, decodes = st.columns(2)
    plane.plotly_chart(latent_figures.posterior_ellipse(codes, draws))
    decodes.plotly_chart(figures.image_rows({"draws": draws.images},
                                            title="Decodes of the draws"))
if information is None:
    st.caption("This dataset has no known factors: train on the coloured shapes to see which "
               "factor each dimension carries, and the scores below.")
    st.stop()
st.caption("Each row is labelled with the factor the dimension shares most information with, "
           "as a share of that factor's entropy (1: the dimension determines it).")
st.plotly_chart(latent_figures.factor_heatmap(information, names, kl))
st.caption("Mutual information from scikit-learn, with each code dimension and each "
           "continuous factor (size, x, y) in 20 equal bins, as google-research's "
           "disentanglement_lib computes it.")

st.subheader("Scorecard")


def scorecard_table(scores: dict) -> None:
    """The scores as a table: label, value, the paper that defines it."""
    st.dataframe([{"score": label, "value": scores[key], "defined by": source}
                  for key, (label, source) in aelib.disentanglement.SCORES.items()
                  if scores.get(key) is not None], hide_index=True)


def kept_scorecard() -> None:
    """The scorecard kept with the model's run, polled while it is on its way (the run's
    metrics, then the interventional scores in the background); then the whole page runs
    again."""
    kept = model.final_metrics(run_store()) or {}
    if kept.get("mig") is None:
        st.caption("Scoring the model with its run's metrics...")
    else:
        scorecard_table(kept)
    if not getattr(model, "scoring_pending", False) and st.session_state.pop(
            state.SCORECARD_POLLING, False):
        st.rerun()


kept = model.final_metrics(run_store()) or {}
# A model trained here, on the shapes: its scores come with its run's metrics and after them.
pending = getattr(model, "scoring_pending", False) and aelib.disentanglement.can_score(ae, data)
if kept.get("mig") is not None or pending:
    st.session_state[state.SCORECARD_POLLING] = pending
    st.fragment(kept_scorecard, run_every=POLL_SECONDS if pending else None)()
    st.caption(f"Scored when its run was saved, as on Runs: {SCORING_NOTE}")
    if pending:
        st.caption("The FactorVAE and β-VAE scores redraw about 100,000 images with one factor "
                   "fixed: they are being computed in the background, and appear here and on "
                   "Runs when done.")
    if pending or all(kept.get(name) is not None for name in INTERVENTIONAL):
        st.stop()
interventional = st.checkbox("Also the FactorVAE and β-VAE scores (they redraw about 100,000 "
                             "images with one factor fixed: some seconds)",
                             key=state.SCORECARD_INTERVENTIONAL)
name = "scorecard_interventional" if interventional else "scorecard"
if st.button("Score this model", key="score_model") or name in st.session_state.get(
        state.RESULTS, {}):
    with st.spinner("Scoring 5,000 fresh images of shapes..."):
        scores = memo(name, lambda: aelib.disentanglement.scorecard(
            ae, data, interventional=interventional))
    scorecard_table(scores)
    st.caption(SCORING_NOTE)
