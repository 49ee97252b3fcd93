"""AppTest: the Latent lab page on a β-VAE trained on the coloured shapes (opened, and trained
here into the run store, which keeps its scorecard), and on a model it cannot read."""

import time

import pytest

import aelib
from lab.navigation import LATENT_PAGE
from tests.support.apptest import TIMEOUT, button, open_app

pytestmark = pytest.mark.app


@pytest.fixture(scope="module")
def shapes():
    return aelib.load_dataset("shapes").subset(512, 200)


@pytest.fixture(scope="module")
def shapes_vae(shapes):
    data = shapes
    ae = aelib.build("vae", latent_dim=4, intermediate_dim=32, beta=4.0,
                     image_shape=data.image_shape, seed=0)
    result = aelib.train(ae, data, epochs=2, batch_size=64, seed=0)
    return aelib.OpenedModel(ae, data, "a test", result.history)


def test_the_lab_shows_the_kl_traversals_factors_and_the_scorecard(shapes_vae):
    at = open_app(LATENT_PAGE, model=shapes_vae)
    charts = at.get("plotly_chart")
    assert len(charts) == 3  # KL per dimension, traversals, factor x latent heatmap
    assert "inactive" in at.caption[0].value
    assert not at.dataframe
    button(at, "Score this model").click().run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert list(table["score"])[:2] == ["MIG", "SAP"]
    assert "FactorVAE score" not in list(table["score"])
    assert "ExtraTreesClassifier" in at.caption[-1].value


def test_a_vae_trained_here_on_the_shapes_shows_its_kept_scorecard_then_the_interventional_scores(
        shapes, tmp_path):
    store = aelib.RunStore(tmp_path)
    ae = aelib.build("vae", latent_dim=4, intermediate_dim=32, beta=4.0,
                     image_shape=shapes.image_shape, seed=0)
    job = aelib.TrainingJob(ae, shapes, {"epochs": 1, "batch_size": 64}, shapes.x_test[:2],
                            store=store).start()
    job.wait(TIMEOUT)
    kept = store.get(job.run_id).metrics
    assert 0 <= kept["mig"] <= 1 and 0 <= kept["dci_disentanglement"] <= 1
    assert kept["factor_vae"] is None  # added later, in the background

    at = open_app(LATENT_PAGE, model=job, cfg_dataset="shapes")
    assert not at.exception, at.exception
    assert not button_exists(at, "Score this model")  # scored when its run was saved
    table = at.dataframe[0].value
    assert list(table["score"])[:2] == ["MIG", "SAP"]
    assert table["value"][0] == pytest.approx(kept["mig"])
    assert any("computed in the background" in caption.value for caption in at.caption)

    deadline = time.monotonic() + 10 * TIMEOUT
    while job.scoring_pending and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not job.scoring_pending
    kept = store.get(job.run_id).metrics
    assert 0 < kept["factor_vae"] <= 1 and 0 < kept["beta_vae"] <= 1
    assert job.final_metrics() == kept
    at.run()
    scores = list(at.dataframe[0].value["score"])
    assert "FactorVAE score" in scores and "β-VAE score" in scores
    assert not any("computed in the background" in caption.value for caption in at.caption)


def button_exists(at, label: str) -> bool:
    return any(b.label == label for b in at.button)


def test_the_lab_explains_a_model_without_a_latent_prior(small_data):
    ae = aelib.build("dense", encoding_dim=4)
    at = open_app(LATENT_PAGE, model=aelib.OpenedModel(ae, small_data, "a test"))
    assert "reads a VAE's code" in at.info[0].value
    assert not at.get("plotly_chart")


def test_a_2d_vae_shows_the_posterior_of_the_image_and_a_dataset_without_factors_says_so(
        small_data):
    ae = aelib.build("vae", latent_dim=2, intermediate_dim=16, seed=0)
    at = open_app(LATENT_PAGE, model=aelib.OpenedModel(ae, small_data, "a test"))
    assert len(at.get("plotly_chart")) == 4  # KL, traversals, the posterior, its decodes
    assert any("no known factors" in caption.value for caption in at.caption)
    assert not at.button


def test_a_model_trained_here_can_be_replayed_epoch_by_epoch(small_data):
    ae = aelib.build("vae", latent_dim=3, intermediate_dim=16, seed=0)
    job = aelib.TrainingJob(ae, small_data, {"epochs": 2, "batch_size": 64},
                            small_data.x_test[:2]).start()
    job.wait(120)
    at = open_app(LATENT_PAGE, model=job)
    assert at.subheader[0].value == "Replay the training"
    slider = at.select_slider(key="replay_epoch")
    assert slider.options == ["1", "2"] and slider.value == 2
    slider.set_value(1).run()
    assert not at.exception, at.exception
    titles = [chart.proto.spec for chart in at.get("plotly_chart")]
    assert any("Traversals after epoch 1" in spec for spec in titles)
