"""AppTest: every page of the real app script, empty and with a model trained for one epoch."""

import json
import time

import numpy as np
import pytest

import aelib
from lab.navigation import (ANALYSIS_PAGES, ANOMALIES_PAGE, CODES_PAGE, DENOISING_PAGE,
                            GENERATE_PAGE, RECONSTRUCTIONS_PAGE, TRAIN_PAGE)
from tests.support.apptest import TIMEOUT, button, open_app

pytestmark = pytest.mark.app

def train_one_epoch(architecture="dense", **settings):
    at = open_app(TRAIN_PAGE, cfg_arch=architecture, cfg_epochs=1, cfg_train_size_bundled=300,
                  **settings)
    button(at, "Train").click().run()
    assert not at.exception, at.exception
    snapshot = at.session_state["model"].wait(TIMEOUT)
    assert snapshot.status == "finished", snapshot.message
    at.run()
    assert not at.exception, at.exception
    return at


def test_home_shows_the_dataset_and_a_card_per_architecture():
    at = open_app()
    assert at.title[0].value == "Autoencoder Lab"
    assert at.radio[0].value == "bundled"
    assert "In use: bundled MNIST test set" in at.success[0].value
    captions = " ".join(c.value for c in at.caption)
    assert "50,992 parameters · code 32" in captions  # the dense card
    assert "4,385 parameters · code 4x4x8" in captions  # the conv card
    assert len(at.get("plotly_chart")) == 1


def test_every_architecture_card_tells_what_the_tutorial_got_wrong():
    at = open_app()
    notes = [e for e in at.expander if e.label == "The tutorial, corrected"]
    assert len(notes) == len(aelib.ARCHITECTURES)
    text = " ".join(block.value for e in notes for block in e.markdown)
    for fact in ("`10e-5` is 1e-4", "Adadelta's learning rate was 1.0", "never trained",
                 "log-variance", "784 times too much", "same noise every epoch"):
        assert fact in text


def test_the_train_page_offers_the_vae_the_tutorials_loss_weighting():
    at = open_app(TRAIN_PAGE, cfg_arch="vae")
    weighting = at.selectbox(key="_widget_cfg_vae_loss_weighting")
    assert weighting.value == "corrected" and weighting.options == ["corrected", "tutorial"]
    story = next(e for e in at.expander if "classic tutorial" in e.label)
    assert "784 times too much" in story.markdown[0].value


def test_home_switching_to_digits_says_so():
    at = open_app()
    at.radio[0].set_value("digits").run()
    assert "scikit-learn's bundled 8x8 digits" in at.success[0].value


def test_train_page_shows_widgets_from_the_specs_and_the_layer_table():
    at = open_app(TRAIN_PAGE, cfg_arch="deep")
    assert at.text_input(key="_widget_cfg_deep_hidden_units").value == "128, 64, 32"
    assert any("222,384 parameters" in e.label for e in at.expander)
    assert len(at.dataframe[0].value) == 6  # three dense layers each way
    assert button(at, "Stop").disabled and not button(at, "Train").disabled


def test_train_page_explains_bad_hyperparameters():
    at = open_app(TRAIN_PAGE, cfg_arch="deep", cfg_deep_hidden_units="128, x")
    assert "hidden_units='128, x' is not allowed" in at.error[0].value


@pytest.mark.parametrize("page", ANALYSIS_PAGES)
def test_analysis_pages_without_a_model_say_so(page):
    at = open_app(page)
    assert "there is no model yet" in at.info[0].value
    assert not at.get("plotly_chart")


def test_training_one_epoch_shows_progress_loss_and_previews():
    at = train_one_epoch()
    progress = at.get("progress")[0]
    assert progress.value == 100 and progress.proto.text.startswith("Trained 1 epoch in ")
    assert "Explore it on the other pages" in at.success[0].value
    assert len(at.get("plotly_chart")) == 3  # loss curves, the ten previews, the codes replay
    assert button(at, "Train").disabled is False and button(at, "Stop").disabled


@pytest.fixture(scope="module")
def trained_app():
    return train_one_epoch()


@pytest.mark.parametrize("page, charts", [
    (RECONSTRUCTIONS_PAGE, 3), (CODES_PAGE, 8), (DENOISING_PAGE, 1),
    (GENERATE_PAGE, 2),
])
def test_analysis_pages_render_their_charts(trained_app, page, charts):
    trained_app.switch_page(page).run()
    assert not trained_app.exception, trained_app.exception
    assert len(trained_app.get("plotly_chart")) == charts
    assert not trained_app.info or "no model yet" not in trained_app.info[0].value


def test_the_reconstructions_page_measures_an_mse_model_in_mse_as_its_run_does():
    at = train_one_epoch(cfg_dense_loss="mse")
    stored = at.session_state["model"].snapshot().metrics  # what the Train and Runs pages show
    at.switch_page(RECONSTRUCTIONS_PAGE).run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Model test loss (mean squared error per pixel)"] == \
        f"{stored['test_loss']:.4f}"
    assert metrics["PCA with 32 components"] == f"{stored['pca_loss']:.4f}"
    histogram = json.loads(at.get("plotly_chart")[2].proto.spec)
    assert histogram["layout"]["xaxis"]["title"]["text"] == "mean squared error"


def test_the_codes_page_shows_the_t_sne_map_made_in_the_background(trained_app):
    job = trained_app.session_state["model"]
    made = job.analysis.result(TIMEOUT)  # started when training ended, before any page asked
    trained_app.switch_page(CODES_PAGE).run()
    assert trained_app.session_state["results"]["tsne"] is made["tsne"]
    assert (trained_app.session_state["results"]["test_codes"] == made["test_codes"]).all()


def test_codes_page_reports_sparsity_trustworthiness_and_knn(trained_app):
    trained_app.switch_page(CODES_PAGE).run()
    metrics = {m.label: m.value for m in trained_app.metric}
    assert float(metrics["Mean activation"]) > 0
    assert 0.5 < float(metrics["Trustworthiness of the map"]) <= 1.0
    accuracy = [metrics["5-NN accuracy on 32-number codes"], metrics["on 32 PCA components"],
                metrics["on 784 raw pixels"]]
    assert all(0.1 < float(value.rstrip("%")) / 100 <= 1 for value in accuracy)


def test_generate_page_for_the_vae_draws_the_plane_and_manifold():
    at = train_one_epoch("vae")
    at.switch_page(GENERATE_PAGE).run()
    assert not at.exception, at.exception
    # loss terms, plane, manifold, decoded point, interpolation, then (last, as they take a
    # moment) the prior's and the mixture's samples, side by side
    charts = at.get("plotly_chart")
    assert len(charts) == 7
    assert "reconstruction, per pixel" in charts[0].proto.spec
    assert "click to decode" in charts[1].proto.spec  # the grid that makes the plane clickable
    assert "From the prior N(0, I)" in charts[5].proto.spec
    assert "fitted to the training codes" in charts[6].proto.spec
    decoded = charts[3].proto.spec
    at.slider(key="z_0").set_value(1.5).run()
    assert not at.exception and at.get("plotly_chart")[3].proto.spec != decoded


def test_the_codes_page_shows_a_vaes_latent_dimensions_against_the_prior():
    at = train_one_epoch("vae")
    at.switch_page(CODES_PAGE).run()
    assert not at.exception, at.exception
    assert not any(m.label in ("Mean activation", "Inactive units") for m in at.metric)
    assert at.subheader[0].value == "The latent dimensions against N(0, 1)"
    table = at.dataframe[0].value
    codes = at.session_state["results"]["test_codes"]
    assert list(table["dimension"]) == ["z[0]", "z[1]"]
    np.testing.assert_allclose(table["mean"], codes.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(table["standard deviation"], codes.std(axis=0), rtol=1e-4)
    charts = at.get("plotly_chart")  # histograms, images with codes, the plane, the replay
    assert len(charts) == 4 and "N(0, 1)" in charts[0].proto.spec
    assert "The map of the test codes" in [s.value for s in at.subheader]
    assert not at.radio  # no projection to choose: codes of two numbers are drawn as they are
    assert "One unit of the code" not in [s.value for s in at.subheader]


LINK = {"arch": "sparse", "data": "bundled", "train_size": "300", "encoding_dim": "16",
        "l1": "0.001", "loss": "bce", "epochs": "2", "batch_size": "64", "optimizer": "rmsprop",
        "learning_rate": "0.002", "seed": "7"}


def test_an_experiment_link_restores_the_setup_and_trains_the_same_curve():
    curves = []
    for _ in range(2):  # two people open the same link
        at = open_app(TRAIN_PAGE, query=LINK)
        assert at.selectbox[0].value == "sparse"
        assert not [box for box in at.warning if "link" in box.value]  # (300 images: advice)
        numbers = {widget.label: widget.value for widget in at.number_input}
        assert numbers == {"encoding dim": 16, "l1": 0.001, "epochs": 2, "batch size": 64,
                           "learning rate": 0.002, "seed": 7}
        optimizer = next(box for box in at.selectbox if box.label == "optimizer")
        assert optimizer.value == "rmsprop" and at.slider[0].value == 300
        assert dict(at.query_params) == LINK and at.code[0].value.endswith(
            "?" + "&".join(f"{key}={value}" for key, value in LINK.items()))
        keras_code, aelib_code = at.code[1].value, at.code[2].value  # "Show the code"
        assert "keras.optimizers.RMSprop(learning_rate=0.002)" in keras_code
        assert "aelib.build('sparse', seed=7, encoding_dim=16, l1=0.001, loss='bce')" in aelib_code
        button(at, "Train").click().run()
        curves.append(at.session_state["model"].wait(TIMEOUT).history["loss"])
    assert len(curves[0]) == 2 and curves[0] == curves[1]


def test_a_tampered_link_falls_back_to_defaults_with_a_notice():
    at = open_app(TRAIN_PAGE, query={**LINK, "encoding_dim": "99999", "arch": "sparse"})
    assert "encoding_dim=99999 is not allowed" in at.warning[0].value
    assert at.number_input[0].value == 32 and at.number_input[1].value == 0.001
    assert at.query_params["encoding_dim"] == "32"  # the page's URL now holds the fixed setup


def test_script_runs_leave_keras_state_alone_for_other_sessions():
    import keras

    at = open_app()
    before = keras.layers.Dense(1).name
    at.run()  # Streamlit's own cleanup would call keras.backend.clear_session() here
    after = keras.layers.Dense(1).name
    assert before != after  # the name counter was not reset


def test_one_click_start_on_home_trains_a_dense_model():
    at = open_app(cfg_epochs=1, cfg_train_size_bundled=200)
    epochs = aelib.REGISTRY["dense"].training.epochs  # as the button says, not cfg_epochs
    assert any(f"for {epochs} epochs" in text.value for text in at.markdown)
    button(at, "Train a dense autoencoder now").click().run()
    assert not at.exception, at.exception
    job = at.session_state["model"]
    assert job.ae.architecture == "dense"
    assert job.settings["epochs"] == epochs
    assert job.wait(TIMEOUT).status == "finished"
    assert len(job.data.x_train) == 200


def test_with_a_limit_of_one_a_second_session_waits_and_can_train_after(monkeypatch):
    from lab.workspace import training_slots

    monkeypatch.setenv("AELIB_MAX_TRAININGS", "1")
    training_slots.clear()
    try:
        alice = open_app(TRAIN_PAGE, cfg_epochs=500, cfg_train_size_bundled=300,
                         cfg_batch_size=16)
        button(alice, "Train").click().run()
        bob = open_app(TRAIN_PAGE, cfg_epochs=1, cfg_train_size_bundled=300)
        button(bob, "Train").click().run()
        assert "(place 1)" in bob.info[0].value
        assert bob.session_state["model"].snapshot().status == "queued"
        button(alice, "Stop").click().run()
        assert bob.session_state["model"].wait(TIMEOUT).status == "finished"
        assert alice.session_state["model"].snapshot().status == "stopped"
        bob.run()
        assert bob.get("progress")[0].proto.text.startswith("Trained 1 epoch in ")
        assert bob.session_state["model"].ae is not alice.session_state["model"].ae
    finally:
        training_slots.clear()


def test_anomalies_page_trains_on_normal_digits_and_shows_the_roc():
    at = open_app(ANOMALIES_PAGE, anomaly_epochs=2)
    assert at.multiselect(key="anomaly_classes").value == [0]
    button(at, "Train on the normal classes").click().run()
    job = at.session_state["anomaly_job"]
    assert not np.isin(job.data.y_train, [0]).any()
    assert job.wait(TIMEOUT).status == "finished"
    at.run()
    assert not at.exception, at.exception
    assert at.metric[0].label == "AUC, classes 0 as anomalies" and float(at.metric[0].value) > 0.6
    assert len(at.get("plotly_chart")) == 3  # ROC, score histogram, most anomalous images


def test_the_anomaly_model_is_a_run_of_its_own_that_a_reload_finds_again(runs_dir):
    at = open_app(ANOMALIES_PAGE, anomaly_epochs=200, anomaly_seed=4)  # long: still running
    at.multiselect(key="anomaly_classes").set_value([1, 7]).run()
    button(at, "Train on the normal classes").click().run()
    job = at.session_state["anomaly_job"]
    # A reload: a new session of the same browser (its id cookie; AppTest has no cookies).
    again = open_app(ANOMALIES_PAGE, browser_id=at.session_state["browser_id"])
    assert again.session_state["anomaly_job"] is job  # found again, not lost
    other = open_app(ANOMALIES_PAGE)  # another person's browser
    assert other.session_state["anomaly_job"] is None
    while job.snapshot().epoch < 1:
        time.sleep(0.1)
    job.stop()
    job.wait(TIMEOUT)
    run, = aelib.RunStore(runs_dir).list()
    assert run.id == job.run_id and run.seed == 4 and run.status == "stopped"
    assert "without classes 1, 7 in training" in run.dataset_source
    again.run()
    assert again.metric[0].label == "AUC, classes 1, 7 as anomalies"
    assert "model" not in again.session_state  # the model in hand is not replaced
