"""The codes, seen, in real headless Chromium: the map with the images on it (hover, click),
the replay scrubbed back to the first epoch, and new images sampled from a dense model."""

import pytest

from tests.support.browser import (TIMEOUT_MS, app_in_chromium, go_to, require_chromium, shot,
                                   train_briefly, wait_idle)

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.app]

MAP = ".st-key-codes_map .js-plotly-plot"
REPLAY = ".st-key-codes_replay .js-plotly-plot"


def point_on_screen(page, selector, trace=0, point=0):
    """Where point `point` of trace `trace` of the chart `selector` is drawn, in page pixels."""
    plot = page.locator(selector)
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    x, y = plot.evaluate(
        """(gd, [t, p]) => { const l = gd._fullLayout, d = gd._fullData[t];
           return [l.xaxis._offset + l.xaxis.d2p(d.x[p]),
                   l.yaxis._offset + l.yaxis.d2p(d.y[p])]; }""",
        [trace, point])
    return box["x"] + x, box["y"] + y


def test_the_map_hovers_and_clicks_the_replay_scrubs_and_a_dense_model_samples(tmp_path):
    with app_in_chromium(env={"AELIB_RUNS_DIR": str(tmp_path)}, path="/train") as app:
        page = app.page
        page.get_by_role("combobox").first.wait_for(timeout=3 * TIMEOUT_MS)
        train_briefly(page, 3)  # the dense model, the lab's first

        go_to(page, "Codes")
        page.locator(MAP).wait_for(timeout=3 * TIMEOUT_MS)  # after the background t-SNE map
        wait_idle(page)
        thumbnails = page.locator(MAP).evaluate("gd => gd.layout.images.length")
        assert thumbnails == 300

        x, y = point_on_screen(page, MAP)
        page.mouse.move(x, y)
        hover = page.locator(f"{MAP} .hoverlayer .hovertext")
        hover.first.wait_for()
        text = hover.first.text_content()  # SVG text
        assert "index" in text and "label" in text
        page.mouse.click(x, y)
        one = page.locator(".st-key-map_one .js-plotly-plot")  # large, with its reconstruction
        one.wait_for()
        assert "Test image #" in one.evaluate("gd => gd.layout.title.text")
        wait_idle(page)
        shot(page, "codes_map")

        replay = page.locator(REPLAY)
        replay.scroll_into_view_if_needed()
        current = replay.locator(".slider-group > .slider-label")  # "epoch 3", SVG text
        assert current.text_content().strip() == "epoch 3"
        last_frame = replay.evaluate("gd => JSON.stringify(gd.data[0].x)")
        rail = replay.locator(".slider-rail-rect").bounding_box()
        page.mouse.click(rail["x"] + 4, rail["y"] + rail["height"] / 2)  # the first step
        page.wait_for_function(
            "el => el.textContent.trim() === 'epoch 1'", arg=current.element_handle())
        assert replay.evaluate("gd => JSON.stringify(gd.data[0].x)") != last_frame
        shot(page, "codes_replay")

        go_to(page, "Generate")
        page.locator(".st-key-mixture_samples .js-plotly-plot").wait_for(timeout=3 * TIMEOUT_MS)
        page.get_by_text("components chosen by BIC").wait_for()
        ticks = page.locator(".st-key-mixture_samples .js-plotly-plot").evaluate(
            "gd => gd.layout.yaxis.ticktext")
        assert ticks == ["new", "nearest training"]
        shot(page, "samples")
