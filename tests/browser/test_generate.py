"""Click-to-decode on the VAE's latent plane, in real headless Chromium: a click anywhere on the
plane moves the z sliders there and decodes that point."""

import pytest

from tests.support.browser import (TIMEOUT_MS, app_in_chromium, go_to, pick_architecture,
                                   require_chromium, shot, train_briefly, wait_idle)

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.app]


def slider_values(page):
    """The z[0] and z[1] sliders' values, as the page shows them."""
    return tuple(float(page.locator(f".st-key-z_{i} [data-testid=stSliderThumbValue]").inner_text())
                 for i in range(2))


def decoded_pixels(page):
    """The decoded image's pixels, as plotly holds them in the page (None while a new chart
    replaces the old one)."""
    return page.locator(".st-key-decoded_point .js-plotly-plot").evaluate_all(
        "plots => plots.length === 1 ? JSON.stringify(plots[0].data[0].z) : null")


def click_plane(page, fx, fy):
    """Click the latent plane at fractions (fx, fy) of its plotting area (from the top left),
    once the page is idle (a click while the last one's rerun draws the plane may be lost)."""
    wait_idle(page)
    area = page.locator(".st-key-latent_plane .js-plotly-plot .nsewdrag").first
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])


def wait_for_change(page, read, before):
    """`read(page)` once it differs from `before` and the rerun after the click has ended (the
    page may show one slider moved and not yet the other)."""
    for _ in range(TIMEOUT_MS // 200):
        now = read(page)
        if now is not None and now != before:
            wait_idle(page)
            return read(page)
        page.wait_for_timeout(200)
    raise AssertionError(f"nothing changed from {before!r:.80}")


def test_clicking_the_latent_plane_decodes_the_point_clicked(tmp_path):
    with app_in_chromium(env={"AELIB_RUNS_DIR": str(tmp_path)}, path="/train") as app:
        page = app.page
        architecture = page.get_by_role("combobox").first
        architecture.wait_for(timeout=3 * TIMEOUT_MS)  # a cold start on a busy machine is slow
        pick_architecture(page, "Variational (VAE)")
        page.get_by_role("spinbutton", name="latent dim").wait_for()
        train_briefly(page, 2)

        go_to(page, "Generate")
        page.locator(".st-key-decoded_point .js-plotly-plot").wait_for()
        page.locator(".st-key-latent_plane .js-plotly-plot .nsewdrag").first.wait_for()
        start_values, start_pixels = slider_values(page), decoded_pixels(page)

        click_plane(page, 0.2, 0.25)  # upper left: low z[0], high z[1]
        first_values = wait_for_change(page, slider_values, start_values)
        first_pixels = wait_for_change(page, decoded_pixels, start_pixels)
        click_plane(page, 0.8, 0.75)  # lower right: high z[0], low z[1]
        second_values = wait_for_change(page, slider_values, first_values)
        second_pixels = wait_for_change(page, decoded_pixels, first_pixels)
        assert second_values[0] > first_values[0] and second_values[1] < first_values[1]
        assert second_pixels != first_pixels
        shot(page, "generate")
