"""AppTest of Home's "Explore a trained model now": a shipped model is in hand at once, every
analysis page works with it without any training, it says which model it is, and the Train page
still trains one's own."""

import json

import pytest

from aelib.jobs.pretrained import pretrained_model
from lab.navigation import (ANALYSIS_PAGES, GENERATE_PAGE, LATENT_PAGE, RECONSTRUCTIONS_PAGE,
                            TRAIN_PAGE)
from tests.support.apptest import TIMEOUT, button, open_app

pytestmark = pytest.mark.app

EXPLORE = "Explore a trained model now"


def explore(at, index=0):
    next(s for s in at.selectbox if s.label == "Trained model").select_index(index).run()
    button(at, EXPLORE).click().run()
    at.run()  # AppTest draws the page the click switched to on the next run
    assert not at.exception, at.exception
    return at


def test_the_pretrained_dense_model_is_in_hand_and_every_page_works_at_once():
    at = explore(open_app())
    record = pretrained_model("dense")
    model = at.session_state["model"]
    assert model.opened and not model.active  # nothing trains
    assert (model.ae.architecture, model.data.name) == ("dense", "bundled")
    assert model.describe().startswith(
        "Pretrained dense autoencoder (shipped with aelib, trained on the bundled MNIST sample, "
        "seed 0)")
    # Home switched to Reconstructions, which measures the shipped model's own test loss.
    assert [title.value for title in at.title] == ["Reconstructions"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Model test loss (binary cross-entropy per pixel)"] == \
        f"{record.test_loss:.4f}"
    for page in ANALYSIS_PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert not any("no model yet" in info.value for info in at.info)
        if page == LATENT_PAGE:  # a VAE's page: for the dense model it says so
            assert "The latent lab reads a VAE's code" in at.info[0].value
        else:
            assert at.get("plotly_chart"), page


def test_the_colour_vae_brings_its_dataset_and_draws_its_manifold():
    at = open_app()
    labels = next(s for s in at.selectbox if s.label == "Trained model").options
    at = explore(at, labels.index(next(label for label in labels if "Coloured shapes" in label)))
    model = at.session_state["model"]
    assert (model.ae.architecture, model.data.name, model.ae.image_shape) == \
        ("vae", "shapes", (32, 32, 3))
    assert at.session_state["cfg_dataset"] == "shapes"
    at.switch_page(GENERATE_PAGE).run()
    assert not at.exception, at.exception
    titles = [json.loads(chart.proto.spec)["layout"].get("title", {}).get("text", "")
              for chart in at.get("plotly_chart")]
    assert "Images decoded across the latent plane" in titles, titles


def test_the_train_page_still_trains_ones_own_model():
    at = explore(open_app(cfg_epochs=1, cfg_train_size_bundled=200))
    at.switch_page(TRAIN_PAGE).run()
    assert any("The model in hand is Pretrained dense autoencoder" in info.value
               for info in at.info)
    button(at, "Train").click().run()
    job = at.session_state["model"]
    assert not job.opened
    assert job.wait(TIMEOUT).status == "finished" and len(job.data.x_train) == 200
    at.switch_page(RECONSTRUCTIONS_PAGE).run()
    assert not at.exception, at.exception
