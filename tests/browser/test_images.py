"""Colour images end to end in real Chromium: the coloured shapes picked on Home, a conv model
whose reconstructions are drawn in colour, no draw-a-digit for 32x32 colour models, a VAE
whose manifold on Generate is in colour, and that VAE in the Latent lab: its traversals
labelled with the factors they carry, and the scorecard kept with its run.

The figures are read from the page itself: each Plotly chart's trace, and for colour images the
PNG it shows, decoded here to measure how far each pixel's red, green and blue are apart (0 for
grey). Needs Debian's chromium (see tests/test_browser.py).
"""

import base64
import io

import numpy as np
import pytest
from PIL import Image

from aelib.explore.figures import GAP
from tests.support.browser import (app_in_chromium, TIMEOUT_MS, go_to, pick_architecture,
                                   require_chromium, shot, start_training)

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.app]

SHAPES = "Coloured shapes, 32x32 (generated, offline)"
SIDE = 32
# Small and quick, yet enough for colour to come out (8 epochs of 13 steps on 100 images): the
# conv model's reconstructions then differ across channels by about 0.2, the VAE's manifold by
# about 0.15; grey images by exactly 0.
TRAINING = {"epochs": 8, "batch size": 8, "learning rate": 0.003}
COLOURFUL = 0.05

READ_CHARTS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => ({
    traces: plot.data.map(trace => ({type: trace.type, source: trace.source || null})),
    rows: (plot.layout.yaxis && plot.layout.yaxis.ticktext) || []}))"""


def charts(page) -> list[dict]:
    """Every Plotly chart on the page: its traces' types and image sources, its row labels."""
    return page.evaluate(READ_CHARTS)


def decoded(source: str) -> np.ndarray:
    """An image trace's PNG data URI as an (H, W, 3) array in [0, 1]."""
    payload = base64.b64decode(source.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(payload)).convert("RGB"), np.float32) / 255


def chroma(image: np.ndarray) -> float:
    """How far apart red, green and blue are at the most colourful pixel (0: grey)."""
    return float((image.max(axis=-1) - image.min(axis=-1)).max())


def wait_for_chart(page, wanted, timeout_s: float = 60.0) -> dict:
    """The first chart on the page for which `wanted(chart)` holds, waiting for Plotly to
    draw it."""
    for _ in range(int(timeout_s * 2)):
        found = [chart for chart in charts(page) if wanted(chart)]
        if found:
            return found[0]
        page.wait_for_timeout(500)
    raise AssertionError(f"no such chart among {[chart['rows'][:3] for chart in charts(page)]}")


def tall_image(chart: dict) -> bool:
    """Whether the chart shows a colour image at least five images tall (a grid of them)."""
    return any(trace["type"] == "image" and trace["source"]
               and decoded(trace["source"]).shape[0] >= 5 * SIDE for trace in chart["traces"])


def train(page, architecture: str, **numbers) -> None:
    """On Train: pick `architecture`, the small quick settings (and `numbers`, by label) and the
    smallest training set, train, and wait until it has finished."""
    go_to(page, "Train")
    pick_architecture(page, architecture)
    start_training(page, {**TRAINING, **numbers})
    # The sidebar names the model in hand (the page may still show the previous one's result).
    page.locator("section[data-testid='stSidebar']").get_by_text(
        f"{architecture}: trained {TRAINING['epochs']} epochs").wait_for()


@pytest.fixture(scope="module")
def page():
    with app_in_chromium(timeout_ms=3 * TIMEOUT_MS) as app:  # trainings on a busy machine
        page = app.page
        page.get_by_text(SHAPES, exact=True).click()
        page.get_by_text("In use: coloured shapes drawn by aelib").wait_for()
        page.get_by_text("32x32 colour").first.wait_for()
        yield page


def test_the_conv_model_reconstructs_the_shapes_in_colour(page):
    train(page, "Deep convolutional")
    go_to(page, "Reconstructions")
    page.get_by_text("The worst reconstructions").wait_for()
    grid = wait_for_chart(page, lambda chart: "original" in chart["rows"])
    assert grid["rows"] == ["original", "Deep convolutional", "PCA"]
    (trace,) = grid["traces"]
    assert trace["type"] == "image"  # colour: grey images are a heatmap
    mosaic = decoded(trace["source"])
    rows = [mosaic[r * (SIDE + GAP):r * (SIDE + GAP) + SIDE] for r in range(3)]
    assert mosaic.shape[0] == 3 * SIDE + 2 * GAP
    assert chroma(rows[0]) > 0.5  # the original shapes are coloured
    assert chroma(rows[1]) > COLOURFUL  # and so are the model's reconstructions
    shot(page, "colour_reconstructions")

    page.get_by_text("Drawing a digit works for models of MNIST's 28x28 grey images").wait_for()
    assert page.get_by_text("32x32 colour images, so there is nothing to draw").is_visible()
    assert page.locator("canvas.upper-canvas").count() == 0


def test_the_vae_draws_a_colour_manifold(page):
    train(page, "Variational (VAE)", beta=4.0)  # a β-VAE, for the Latent lab after
    go_to(page, "Generate")
    page.get_by_text("Interpolate between two test images").wait_for()
    (trace,) = wait_for_chart(page, tall_image)["traces"]  # the manifold, in colour
    assert chroma(decoded(trace["source"])) > COLOURFUL
    shot(page, "colour_manifold")


FACTOR_NAMES = ("shape", "colour", "size", "x", "y")


def test_the_latent_lab_labels_the_traversals_with_factors_and_shows_the_kept_scorecard(page):
    """After the VAE of the test before (module order): the Latent lab on its run."""
    go_to(page, "Latent lab")
    page.get_by_text("Scored when its run was saved").wait_for(timeout=3 * TIMEOUT_MS)
    wait_for_chart(page, lambda chart: any(" nats" in row for row in chart["rows"]))
    # The replay's grid after each epoch comes first; the trained model's, with factors, last.
    rows = [chart for chart in charts(page) if any(" nats" in row for row in chart["rows"])][-1]
    active = [row for row in rows["rows"] if "inactive" not in row]
    assert active and all(any(f" · {name} " in row for name in FACTOR_NAMES) for row in active)
    # The kept scorecard: a table (drawn on a canvas) once the run's metrics are in, the
    # interventional scores added after, and then no more polling.
    page.get_by_text("being computed in the background").wait_for(state="detached",
                                                                  timeout=3 * TIMEOUT_MS)
    page.locator("[data-testid='stDataFrame']").wait_for()
    assert page.get_by_role("button", name="Score this model").count() == 0
    shot(page, "latent_lab")
