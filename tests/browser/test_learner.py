"""End to end: the real app in real headless Chromium, as a person uses it.

Needs Debian's chromium (`.ci/run` installs it). Without it these tests skip, unless
AELIB_REQUIRE_BROWSER=1 (as in CI), where a missing browser is a failure.
"""

import re

import pytest

from tests.support.browser import (app_in_chromium, TIMEOUT_MS, button, charts, go_to,
                                   require_chromium, set_number, shot, train_briefly, wait_trained)

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.app]


@pytest.fixture(scope="module")
def page():
    with app_in_chromium() as app:
        app.page.url_root = app.url
        yield app.page


def test_train_one_epoch_then_explore_then_stop_a_long_run(page):
    page.get_by_role("heading", name="Autoencoder Lab").wait_for()
    page.get_by_text("In use: bundled MNIST test set").wait_for()
    page.get_by_text("The eight architectures").wait_for()
    page.get_by_text("4,385 parameters").wait_for()  # the conv card, once Keras has loaded
    shot(page, "home")

    go_to(page, "Train")
    page.get_by_role("spinbutton", name="encoding dim").wait_for()  # the dense model's knob
    train_briefly(page, 1)
    page.get_by_text("The same 10 test images after epoch 1").wait_for()
    assert charts(page).count() == 3  # the loss chart, the previews, the codes replay

    go_to(page, "Reconstructions")
    page.get_by_text("The worst reconstructions").wait_for()
    charts(page).nth(2).wait_for()
    assert charts(page).count() == 3
    go_to(page, "Codes")
    page.get_by_text("The map of the test codes").wait_for()
    charts(page).nth(3).wait_for()  # the map, the replay, the unit's charts: drawn in turn

    go_to(page, "Train")
    set_number(page, "epochs", 200)
    slider = page.get_by_role("slider")
    slider.focus()
    slider.press("End")  # all 8,000 training images
    page.wait_for_timeout(300)
    button(page, "Train").click()
    page.get_by_text(re.compile(r"Epoch \d+/200")).wait_for()
    go_to(page, "Home", "Autoencoder Lab")  # leaving the page does not stop the background training
    page.get_by_text(re.compile(r"Single-layer dense: training")).wait_for()
    go_to(page, "Train")
    # A rerun may briefly show the previous preview beside the new one.
    page.get_by_text(re.compile(r"test images after epoch ([5-9]|\d\d+)$")).first.wait_for()
    button(page, "Stop").click()
    page.get_by_text(re.compile("Training ended early .stopped on request.")).wait_for()
    page.get_by_text("The model is kept").wait_for()
    shot(page, "train")

    go_to(page, "Reconstructions")
    page.get_by_text("The worst reconstructions").wait_for()
    charts(page).nth(2).wait_for()
    assert charts(page).count() == 3  # the kept model is there to explore
    shot(page, "reconstructions")
    go_to(page, "Codes")
    page.get_by_text("The map of the test codes").wait_for()
    page.get_by_text("How much do the codes know?").scroll_into_view_if_needed()
    shot(page, "codes")

    go_to(page, "Runs")  # both trainings were kept as runs
    page.get_by_text("Compare runs").wait_for()
    charts(page).nth(1).wait_for()
    assert charts(page).count() == 2  # overlaid loss curves and the metric bars
    shot(page, "runs")


SHARED_LINK = ("/train?arch=vae&data=bundled&train_size=4000&intermediate_dim=64&latent_dim=2"
               "&beta=1.0&loss_weighting=corrected&epochs=5&batch_size=64&optimizer=adam"
               "&learning_rate=0.001&seed=3")


def draw_a_seven(page, canvas):
    """Drag the mouse over `canvas` in a 7: a bar, then a diagonal stem."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    points = [(0.3, 0.25), (0.7, 0.25), (0.55, 0.5), (0.45, 0.8)]
    page.mouse.move(box["x"] + points[0][0] * box["width"], box["y"] + points[0][1] * box["height"])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=12)
    page.mouse.up()


def test_a_shared_link_opens_the_same_setup_and_a_drawn_digit_is_explored(page):
    browser = page.context.browser
    friend = browser.new_context(viewport={"width": 1400, "height": 1600}).new_page()
    friend.set_default_timeout(TIMEOUT_MS)
    friend.goto(page.url_root + SHARED_LINK)  # a friend opens the link in a fresh session
    friend.get_by_role("heading", name="Train", exact=True).wait_for()
    friend.get_by_role("spinbutton", name="intermediate dim").wait_for()  # only the VAE has it
    for label, value in (("intermediate dim", "64"), ("latent dim", "2"), ("epochs", "5"),
                         ("batch size", "64"), ("seed", "3")):
        assert friend.get_by_role("spinbutton", name=label, exact=True).input_value() == value
    friend.get_by_text("Share this experiment").click()
    friend.get_by_text("Show the code").click()
    friend.get_by_text("class VAE(keras.Model)").wait_for()
    button(friend, "Train").click()
    wait_trained(friend, 5)
    friend.get_by_text("reconstruction, per pixel").first.wait_for()  # the VAE's two terms
    assert "latent_dim=2" in friend.url and "seed=3" in friend.url
    shot(friend, "link")

    go_to(friend, "Reconstructions")
    friend.get_by_text("Draw a digit").first.wait_for()
    canvas = friend.locator("canvas.upper-canvas").first
    draw_a_seven(friend, canvas)
    friend.get_by_text("The test images nearest to it in code space").wait_for()
    friend.get_by_text("Its place on the latent plane").wait_for()
    shot(friend, "draw")
    button(friend, "Clear the drawing").first.click()  # a new, empty canvas
    friend.get_by_text("Draw a digit on the black square").first.wait_for()

    go_to(friend, "Anomalies")
    set_number(friend, "Epochs", 2)
    button(friend, "Train on the normal classes").click()
    friend.get_by_text("AUC, classes 0 as anomalies").wait_for()
    friend.get_by_text("The 12 test images with the highest scores").wait_for()
    shot(friend, "anomalies")
    friend.context.close()
