"""AppTest: the Codes page's map (projection, colour), replay and unit views, and the Generate
page's samples, on models trained for a few epochs."""

import json

import numpy as np
import pytest

from lab.navigation import CODES_PAGE, GENERATE_PAGE, TRAIN_PAGE
from tests.support.apptest import TIMEOUT, button, open_app

pytestmark = pytest.mark.app


def trained(architecture, epochs=2, **settings):
    at = open_app(TRAIN_PAGE, cfg_arch=architecture, cfg_epochs=epochs,
                  cfg_train_size_bundled=300, **settings)
    button(at, "Train").click().run()
    snapshot = at.session_state["model"].wait(TIMEOUT)
    assert snapshot.status == "finished", snapshot.message
    at.session_state["model"].analysis.result(TIMEOUT)
    at.switch_page(CODES_PAGE).run()
    assert not at.exception, at.exception
    return at


def spec(chart):
    return json.loads(chart.proto.spec)


def chart_with(at, text):
    return next(spec(chart) for chart in at.get("plotly_chart") if text in chart.proto.spec)


@pytest.fixture(scope="module")
def topk_app():
    return trained("topk", cfg_topk_k=4)


def test_the_map_draws_300_test_images_at_their_t_sne_places(topk_app):
    at = topk_app
    tsne = at.session_state["results"]["tsne"]
    figure = next(spec(c) for c in at.get("plotly_chart") if '"images"' in c.proto.spec
                  and "t-SNE 1" in c.proto.spec)
    images = figure["layout"]["images"]
    assert len(images) == 300
    position = dict(zip(tsne.indices.tolist(), tsne.embedding.tolist(), strict=True))
    for image in images[:20]:
        assert [image["x"], image["y"]] == pytest.approx(position[int(image["name"])], abs=1e-4)
    assert [trace["name"] for trace in figure["data"]] == [str(d) for d in range(10)]


def test_pca_and_a_colour_choice_redraw_the_map(topk_app):
    at = topk_app
    at.radio(key="map_projection").set_value("pca").run()
    assert not at.exception, at.exception
    figure = next(spec(c) for c in at.get("plotly_chart") if "PCA 1" in c.proto.spec
                  and '"images"' in c.proto.spec)
    assert len(figure["layout"]["images"]) == 300
    at.radio(key="map_projection").set_value("umap").run()
    assert not at.exception, at.exception
    assert any("umap-learn" in block.value for block in at.info) or \
        any("UMAP 1" in c.proto.spec for c in at.get("plotly_chart"))
    at.radio(key="map_projection").set_value("tsne").run()


def test_the_replay_has_a_frame_per_epoch(topk_app):
    figure = chart_with(topk_app, "PCA 1, aligned")
    assert [frame["name"] for frame in figure["frames"]] == ["1", "2"]


def test_one_unit_shows_its_top_9_and_the_dead_units(topk_app):
    at = topk_app
    codes = at.session_state["results"]["test_codes"]
    assert ((codes != 0).sum(axis=1) == 4).all()  # TopK: exactly k active
    at.number_input(key="code_unit").set_value(3).run()
    assert not at.exception, at.exception
    top = chart_with(at, "on which unit 3 is highest")
    labels = top["layout"]["xaxis"]["ticktext"]
    assert labels == [f"{v:.2f}" for v in np.sort(codes[:, 3])[::-1][:9]]
    dead = np.flatnonzero(np.abs(codes).max(axis=0) <= 1e-3)
    said = " ".join(w.value for w in at.warning) + " ".join(c.value for c in at.caption)
    assert (f"{len(dead)} of 32 units are dead" if len(dead) else "No dead units") in said


def test_the_generate_page_draws_mixture_samples_beside_their_nearest(topk_app):
    at = topk_app
    at.switch_page(GENERATE_PAGE).run()
    assert not at.exception, at.exception
    figure = chart_with(at, "fitted to the training codes")
    assert figure["layout"]["yaxis"]["ticktext"] == ["new", "nearest training"]
    assert len(figure["layout"]["xaxis"]["ticktext"]) == 8
    assert any("components chosen by BIC" in c.value for c in at.caption)
