"""AppTest of the Sweep page: a two-value grid, run, the metric curve and every run's
reconstructions side by side; a sweep link restores the setup; a sweep another replica runs
shows its progress from the store."""

import json
import os
import sqlite3
from pathlib import Path

import pytest

import aelib
from aelib.sweeps.plan import make_plan
from lab.navigation import SWEEP_PAGE
from tests.support.apptest import TIMEOUT, button, open_app

pytestmark = pytest.mark.app

TWO_VALUES = {"cfg_sweep_architectures": ["dense"], "cfg_sweep_vary": ["encoding_dim"],
              "cfg_sweep_values_encoding_dim": "4,8", "cfg_sweep_seeds": "0",
              "cfg_sweep_epochs": 1, "cfg_sweep_train_size_bundled": 200}


@pytest.fixture(autouse=True)
def local_engine(runs_dir, monkeypatch):
    """Each test its own runs, trained here whatever the machine's environment says."""
    monkeypatch.delenv("AELIB_RAY_ADDRESS", raising=False)


def test_a_two_value_sweep_runs_and_shows_the_curve_and_the_reconstructions():
    at = open_app(SWEEP_PAGE, **TWO_VALUES)
    assert at.metric[0].value == "2" and at.metric[1].label == "Estimated time"
    assert not any("Ray" in caption.value for caption in at.caption)  # no Ray configured
    button(at, "Start the sweep").click().run()
    assert not at.exception, at.exception
    snapshots = at.session_state["sweep"].wait(4 * TIMEOUT)
    assert [s.status for s in snapshots] == ["finished", "finished"]
    at.run()
    assert not at.exception, at.exception

    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    [curve] = [c for c in charts if "against encoding dim" in c["layout"]["title"]["text"]]
    model, pca = curve["data"]
    assert model["x"] == [4, 8] and len(model["y"]) == 2 and pca["name"].startswith("PCA")
    [side_by_side] = [c for c in charts
                      if "reconstructed by every run" in c["layout"]["title"]["text"]]
    labels = side_by_side["layout"]["yaxis"]["ticktext"]
    assert labels[0] == "original" and len(labels) == 3
    assert "encoding_dim=4" in labels[1] and "encoding_dim=8" in labels[2]

    button(at, "Open in the analysis pages").click().run()  # opens Reconstructions with it
    assert not at.exception, at.exception
    assert at.session_state["model"].run_id == snapshots[0].run_id
    assert len(at.get("plotly_chart")) == 3

    first = at.session_state["model"].run_id  # its model is damaged: the rest still shows
    with sqlite3.connect(Path(os.environ["AELIB_RUNS_DIR"]) / "runs.sqlite") as db:
        db.execute("UPDATE models SET data = ? WHERE run_id = ?", (b"not a model", first))
    again = open_app(SWEEP_PAGE, **TWO_VALUES)
    assert not again.exception and not again.error
    assert any(f"No model to show for run {first}" in c.value for c in again.caption)
    assert again.selectbox(key="sweep_open_run").options == [labels[2]]


def test_a_training_size_above_the_dataset_is_said_before_start():
    at = open_app(SWEEP_PAGE, **{**TWO_VALUES, "cfg_sweep_vary": ["train_size"],
                                 "cfg_sweep_values_train_size": "100,99999"})
    assert not at.exception
    assert at.error[0].value == ("train_size=99999 is more than the 8000 training images of "
                                 "bundled: use at most 8000.")
    assert not [b for b in at.button if b.label == "Start the sweep"]


def test_a_sweep_link_restores_the_setup_and_says_what_it_dropped():
    at = open_app(SWEEP_PAGE, query={"sweep": "dense,sparse", "encoding_dim": "8,16,oops",
                                           "seeds": "0,1,2", "epochs": "2"})
    assert "oops" in at.warning[0].value
    at = open_app(SWEEP_PAGE, query={"sweep": "dense,sparse", "encoding_dim": "8,16",
                                           "seeds": "0,1,2", "epochs": "2"})
    assert not at.warning
    assert at.metric[0].value == str(2 * 2 * 3)
    assert at.text_input(key="_widget_cfg_sweep_values_encoding_dim").value == "8,16"
    assert at.number_input(key="_widget_cfg_sweep_epochs").value == 2


def test_the_beta_study_is_set_up_with_one_click_on_the_shapes():
    at = open_app(SWEEP_PAGE)
    button(at, "Set up the β study").click().run()
    assert not at.exception, at.exception
    assert at.session_state["cfg_dataset"] == "shapes"
    assert at.multiselect(key="_widget_cfg_sweep_architectures").value == ["vae"]
    assert at.multiselect(key="_widget_cfg_sweep_vary").value == ["beta"]
    assert at.text_input(key="_widget_cfg_sweep_values_beta").value == "1.0,2.0,4.0,8.0,16.0"
    assert at.text_input(key="_widget_cfg_sweep_seeds").value == "0,1,2"
    assert at.number_input(key="_widget_cfg_sweep_latent_dim").value == 10
    assert at.slider(key="_widget_cfg_sweep_train_size_shapes").value == 8000
    assert at.metric[0].value == "15"


def test_a_sweep_on_the_shapes_draws_the_scorecard_against_its_parameter():
    at = open_app(SWEEP_PAGE, cfg_dataset="shapes", cfg_sweep_architectures=["vae"],
                  cfg_sweep_vary=["beta"], cfg_sweep_values_beta="1,4", cfg_sweep_seeds="0",
                  cfg_sweep_epochs=1, cfg_sweep_latent_dim=3, cfg_sweep_intermediate_dim=16,
                  cfg_sweep_train_size_shapes=300)
    button(at, "Start the sweep").click().run()
    handle = at.session_state["sweep"]
    handle.wait(10 * TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    charts = {chart.proto.id: json.loads(chart.proto.spec) for chart in at.get("plotly_chart")}
    scorecard = next(spec for spec in charts.values()
                     if spec["layout"]["title"]["text"].startswith("Each metric against beta"))
    titles = [note["text"] for note in scorecard["layout"]["annotations"]]
    assert titles[0] == "MIG, higher is better" and titles[-1] == "test loss, lower is better"
    assert any(spec["layout"]["title"]["text"].startswith("How much the seed alone moves")
               for spec in charts.values())


def test_a_sweep_another_replica_runs_shows_its_progress_from_the_store(small_data):
    store = aelib.RunStore()  # the same store another replica writes to
    plan = make_plan(["dense"], {"encoding_dim": [4, 8]}, settings={"epochs": 1})
    sweep_id = store.start_sweep(plan.to_dict(), "another replica")
    in_sweep = store.in_sweep(sweep_id)
    history = {"loss": [0.3], "val_loss": [0.3]}
    in_sweep.save(aelib.build("dense", encoding_dim=4), small_data, {"epochs": 1}, history)

    at = open_app(SWEEP_PAGE)
    assert not at.exception, at.exception
    assert f"Sweep {sweep_id}: running, 1 of 2 runs, on another replica." in [
        caption.value for caption in at.caption]

    in_sweep.save(aelib.build("dense", encoding_dim=8), small_data, {"epochs": 1}, history)
    store.finish_sweep(sweep_id)
    at.run()
    assert f"Sweep {sweep_id}: finished, 2 of 2 runs, on another replica." in [
        caption.value for caption in at.caption]
