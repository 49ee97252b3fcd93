"""AppTest of the Runs page: runs kept across sessions, compared, reopened; the tutorial queue."""

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from aelib.explore.metrics import METRICS, SCORECARD
from aelib.runs.store import RunStore
from lab.navigation import CODES_PAGE, RUNS_PAGE, TRAIN_PAGE
from tests.support import free_port
from tests.support.apptest import TIMEOUT, button, configure, new_session, open_app

pytestmark = [pytest.mark.app, pytest.mark.usefixtures("runs_dir")]


def train(at, architecture, epochs):
    configure(at, cfg_arch=architecture, cfg_epochs=epochs)
    at.switch_page(TRAIN_PAGE).run()
    button(at, "Train").click().run()
    assert not at.exception, at.exception
    snapshot = at.session_state["model"].wait(TIMEOUT)
    assert snapshot.saved, snapshot.message
    return snapshot.run_id


def test_empty_runs_page_says_how_to_get_runs():
    at = open_app(RUNS_PAGE)
    assert "No runs yet" in at.info[0].value


def a_page_of_an_unreachable_store(url):
    """What app.py does around every page (`lab.workspace.store_reachable`), with a page that
    lists the runs; AppTest runs a switched-to page without app.py, so this is the page."""
    import streamlit as st

    from aelib.runs.store import RunStore
    from lab.workspace import store_reachable

    with store_reachable():
        RunStore(url=url).list()
        st.write("never shown")
    st.write("the sidebar comes after")


def test_an_unreachable_store_is_one_sentence_on_the_page():
    url = f"postgresql://lab:pw@127.0.0.1:{free_port()}/runs"
    at = AppTest.from_function(a_page_of_an_unreachable_store, args=(url,),
                               default_timeout=TIMEOUT).run()
    assert not at.exception and [m.value for m in at.markdown] == ["the sidebar comes after"]
    [error] = at.error
    assert error.value.startswith("The run store at postgresql+psycopg://lab:***@127.0.0.1:")
    assert error.value.endswith("cannot be reached right now (Connection refused); try again "
                                "in a moment.")


def test_two_runs_compared_and_still_there_after_a_reload():
    at = open_app(cfg_train_size_bundled=200)
    first, second = train(at, "dense", 1), train(at, "deep", 2)
    at.switch_page(TRAIN_PAGE).run()
    assert f"Saved as run {second}" in at.success[0].value

    reloaded = open_app(RUNS_PAGE)  # a new session: a reload of the page
    table = reloaded.dataframe[0].value
    assert sorted(table["run"]) == sorted([first, second])
    assert set(table["architecture"]) == {"dense", "deep"}
    assert table.set_index("run").loc[second, "epochs"] == 2
    assert table["test loss"].notna().all() and table["5-NN accuracy"].notna().all()
    assert list(table.columns)[6:] == [metric.label for metric in METRICS.values()
                                       if metric.name not in SCORECARD]  # no run on shapes
    charts = reloaded.get("plotly_chart")  # overlaid curves and the metric bars
    assert len(charts) == 2
    bars = json.loads(charts[1].proto.spec)
    assert bars["layout"]["title"]["text"] == "test loss, lower is better"

    reloaded.multiselect(key="runs_architectures").set_value(["deep"]).run()
    assert list(reloaded.dataframe[0].value["run"]) == [second]


def test_a_stored_run_opens_in_the_analysis_pages():
    at = open_app(cfg_train_size_bundled=200)
    run_id = train(at, "dense", 1)
    fresh = open_app(RUNS_PAGE)
    button(fresh, "Open in the analysis pages").click().run()
    assert not fresh.exception, fresh.exception
    assert fresh.title[0].value == "Reconstructions"  # it takes the learner there
    assert len(fresh.get("plotly_chart")) == 3
    model = fresh.session_state["model"]
    assert model.run_id == run_id and model.describe() == (
        f"run {run_id} from the Runs page: trained 1 epoch")
    fresh.switch_page(TRAIN_PAGE).run()
    assert f"run {run_id} from the Runs page: trained 1 epoch" in fresh.info[0].value


def test_deleting_a_run_removes_it():
    at = open_app(cfg_train_size_bundled=200)
    train(at, "dense", 1)
    keep = train(at, "dense", 1)
    at.switch_page(RUNS_PAGE).run()
    at.selectbox(key="runs_one").set_value(f"run {keep - 1} · dense · bundled").run()
    button(at, "Delete").click().run()
    assert list(at.dataframe[0].value["run"]) == [keep]


def test_reproduce_the_tutorial_queues_four_runs_and_fills_the_table():
    at = open_app(RUNS_PAGE, cfg_tutorial_epochs=1, cfg_tutorial_train_size_bundled=200)
    button(at, "Reproduce the tutorial").click().run()
    queue = at.session_state["tutorial_queue"]
    snapshots = queue.wait(4 * TIMEOUT)
    assert [s.status for s in snapshots] == ["finished"] * 4 and all(s.saved for s in snapshots)
    at.run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert list(table["model"]) == ["dense", "sparse", "deep", "conv"]
    assert table["our test loss"].notna().all() and list(table["epochs"]) == [1, 1, 1, 1]
    assert table["tutorial code mean"].tolist()[:2] == [7.30, 3.33]
    runs = at.dataframe[1].value
    assert len(runs) == 4


def test_private_workspaces_keep_each_visitors_runs_apart(monkeypatch):
    monkeypatch.setenv("AELIB_PRIVATE_WORKSPACES", "1")
    alice = open_app(cfg_train_size_bundled=200)
    alice_run = train(alice, "dense", 1)
    key = alice.session_state["workspace"]
    assert alice.query_params["workspace"] == key  # in the URL

    bob = open_app(RUNS_PAGE)  # another visitor, without Alice's link
    assert bob.session_state["workspace"] != key
    assert "No runs yet" in bob.info[0].value

    again = new_session()  # Alice reloads her link
    again.query_params["workspace"] = key
    again.run()
    again.switch_page(RUNS_PAGE).run()
    assert list(again.dataframe[0].value["run"]) == [alice_run]


def test_a_downloaded_model_uploaded_again_opens_and_a_bad_file_is_refused():
    at = open_app(cfg_train_size_bundled=200)
    run_id = train(at, "dense", 1)
    trained = at.session_state["model"].ae
    page = open_app(RUNS_PAGE)
    model_bytes = RunStore().model_bytes(run_id)  # what the page's download button holds

    page.file_uploader(key="model_upload").set_value(("notes.h5", b"not a model", "")).run()
    button(page, "Open the uploaded model").click().run()
    assert "refused: expected a Keras 3 '.keras' file" in page.error[0].value
    assert "model" not in page.session_state

    page.file_uploader(key="model_upload").set_value(
        ("aelib-run.keras", model_bytes, "application/octet-stream")).run()
    button(page, "Open the uploaded model").click().run()
    assert not page.exception and page.title[0].value == "Reconstructions"
    assert page.session_state["model"].describe() == (
        "the file 'aelib-run.keras': training history unknown")
    uploaded = page.session_state["model"].ae
    images = np.random.default_rng(0).random((4, 28, 28), dtype=np.float32)
    np.testing.assert_allclose(uploaded.reconstruct(images), trained.reconstruct(images),
                               atol=1e-6)
    page.switch_page(CODES_PAGE).run()
    assert not page.exception and len(page.get("plotly_chart")) >= 4

    colour = open_app(RUNS_PAGE, cfg_dataset="shapes")  # 32x32 colour data in use
    colour.file_uploader(key="model_upload").set_value(
        ("aelib-run.keras", model_bytes, "application/octet-stream")).run()
    button(colour, "Open the uploaded model").click().run()
    assert not colour.exception and "model" not in colour.session_state
    assert colour.error[0].value.startswith(
        "The file 'aelib-run.keras' holds a model of 28x28 grey images, but the dataset in use")
    assert "Choose a dataset of 28x28 grey images on Home (MNIST sample" in colour.error[0].value


def test_a_damaged_store_file_is_one_sentence_and_the_next_run_starts_anew(tmp_path):
    (tmp_path / "runs.sqlite").write_bytes(b"not a database, " * 512)
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    at = AppTest.from_function(a_page_of_an_unreachable_store, args=(url,),
                               default_timeout=TIMEOUT).run()
    assert not at.exception and [m.value for m in at.markdown] == ["the sidebar comes after"]
    [error] = at.error
    assert error.value.startswith("The run store file was damaged (file is not a database), "
                                  f"so it was moved aside to {tmp_path / 'runs.sqlite.damaged-'}")
    at.run()  # the store healed: said once
    assert not at.error and [m.value for m in at.markdown] == ["never shown",
                                                               "the sidebar comes after"]


def test_a_damaged_run_is_listed_said_and_deleted_and_hides_no_other(runs_dir):
    from sqlalchemy import create_engine

    from aelib.runs.schema import runs

    store = RunStore()
    store.list()  # creates the store
    row = dict(workspace="local", architecture="dense", hparams="{}", settings="{}",
               dataset="bundled", dataset_source="b", seed=0, versions="{}", started_at=1.0,
               ended_at=2.0, status="finished", pid=1, history='{"loss": [0.2, 0.1]}')
    engine = create_engine(store.url)
    with engine.begin() as db:
        sound = db.execute(runs.insert().values(**row)).inserted_primary_key[0]
        damaged = db.execute(runs.insert().values(**{**row, "history": '{"loss": ['})
                             ).inserted_primary_key[0]
    engine.dispose()
    at = open_app(RUNS_PAGE)
    assert sorted(at.dataframe[0].value["run"]) == [sound, damaged]
    assert at.selectbox(key="runs_one").value == f"run {damaged} · dense · bundled"
    assert any(f"**damaged** (Run {damaged} is damaged (its history is not a JSON object)"
               in m.value for m in at.markdown)
    button(at, "Delete").click().run()
    assert not at.exception, at.exception
    assert [r.id for r in store.list()] == [sound]


def test_a_run_on_the_shapes_brings_the_scorecard_columns_and_its_scores_to_compare(small_data):
    import aelib

    store = RunStore()
    ae = aelib.build("vae", latent_dim=2, intermediate_dim=8, seed=0)
    plain = store.save(ae, small_data, {"epochs": 1}, {"loss": [0.3]},
                       metrics={"test_loss": 0.30})
    scored = store.save(ae, small_data, {"epochs": 1}, {"loss": [0.2]},
                        metrics={"test_loss": 0.20, "mig": 0.42, "factor_vae": 0.81})
    at = open_app(RUNS_PAGE)
    table = at.dataframe[0].value.set_index("run")
    assert table.loc[scored, "MIG"] == 0.42 and table.loc[scored, "FactorVAE score"] == 0.81
    assert np.isnan(table.loc[plain, "MIG"])  # a run without factors: nothing shown
    assert "SAP" in table.columns  # the scorecard's every column, once one run has it
    assert "MIG" in at.selectbox(key="runs_metric").options
