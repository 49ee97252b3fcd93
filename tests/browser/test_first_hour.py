"""A learner's first hour in real headless Chromium (issue 11): settings that follow the dataset
after an upload, "Open in the analysis pages" that goes there and says what was opened, and an
anomaly result that does not outlive its dataset. One server and one browser for them all."""

import re

import numpy as np
import pytest

import aelib
from tests.support.browser import app_in_chromium, button, go_to, require_chromium, set_number

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.app]

UPLOAD_IMAGES = 300
STORED_EPOCHS = 2


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory):
    """A run store holding one dense run of `STORED_EPOCHS` epochs, with its metrics."""
    folder = tmp_path_factory.mktemp("runs")
    data = aelib.load_dataset("bundled").subset(200, 200, seed=0)
    ae = aelib.build("dense")
    settings = {"epochs": STORED_EPOCHS, "batch_size": 32, "seed": 0}
    result = aelib.train(ae, data, **settings)
    aelib.RunStore(folder).save(ae, data, settings, result.history,
                                metrics=aelib.explore.analysis.run_metrics(ae, data))
    return folder


@pytest.fixture(scope="module")
def upload(tmp_path_factory):
    """A 300-image .npz made from the bundled digits, as a learner would upload it."""
    bundled = aelib.load_dataset("bundled")
    path = tmp_path_factory.mktemp("upload") / "my_digits.npz"
    images = (bundled.x_train[:UPLOAD_IMAGES].reshape(UPLOAD_IMAGES, 28, 28) * 255)
    np.savez(path, x=images.astype(np.uint8), y=bundled.y_train[:UPLOAD_IMAGES])
    return path


@pytest.fixture(scope="module")
def page(runs_dir):
    with app_in_chromium(env={"AELIB_RUNS_DIR": str(runs_dir)},
                         viewport={"width": 1400, "height": 1100}) as app:
        app.page.get_by_role("heading", name="Autoencoder Lab").wait_for()
        yield app.page


def use_upload(page, path):
    """On Home, upload `path` and make it the dataset in use."""
    go_to(page, "Home", "Autoencoder Lab")
    page.get_by_text("Upload your own images").click()
    page.locator("input[type=file]").set_input_files(str(path))
    button(page, "Use this dataset").click()
    page.get_by_text(re.compile(r"In use: your upload")).wait_for()


def use_bundled(page):
    go_to(page, "Home", "Autoencoder Lab")
    page.get_by_text(aelib.DATASETS["bundled"], exact=True).click()
    page.get_by_text(re.compile(r"In use: bundled MNIST")).wait_for()


def training_images(page):
    """The "training images" slider: (value, largest)."""
    slider = page.get_by_role("slider", name="training images")
    slider.wait_for(state="attached")  # a visually hidden range input
    return int(slider.input_value()), int(slider.get_attribute("max"))


def test_open_in_the_analysis_pages_goes_there_and_train_says_what_was_opened(page, runs_dir):
    run_id = aelib.RunStore(runs_dir).list()[0].id
    go_to(page, "Runs")
    page.get_by_text("One run").wait_for()
    button(page, "Open in the analysis pages").click()
    page.get_by_role("heading", name="Reconstructions", exact=True).wait_for()
    page.get_by_text("The worst reconstructions").wait_for()
    go_to(page, "Train")
    page.get_by_text(f"The model in hand is run {run_id} from the Runs page: trained "
                     f"{STORED_EPOCHS} epochs").wait_for()
    page.get_by_text(re.compile(r"PCA with 32 components \(the same code size\)")).wait_for()
    assert page.get_by_text("Trained 0 epochs").count() == 0


def test_an_anomaly_result_is_not_shown_once_the_dataset_changes(page, upload):
    go_to(page, "Anomalies")
    set_number(page, "Epochs", 1)
    button(page, "Train on the normal classes").click()
    result = page.get_by_text(re.compile(r"AUC, classes 0 as anomalies"))
    result.wait_for()
    use_upload(page, upload)
    go_to(page, "Anomalies")
    page.get_by_text(re.compile("the dataset in use has changed")).wait_for()
    assert result.count() == 0


def test_training_images_and_the_share_link_follow_the_dataset_back_from_an_upload(page, upload):
    use_upload(page, upload)
    go_to(page, "Train")
    value, largest = training_images(page)
    assert largest < UPLOAD_IMAGES and value == largest  # the upload's training split
    use_bundled(page)
    go_to(page, "Train")
    bundled = len(aelib.load_dataset("bundled").x_train)
    page.get_by_test_id("stSliderTickBar").get_by_text(str(bundled), exact=True).wait_for()
    assert training_images(page) == (bundled, bundled)
    page.get_by_text("Share this experiment").click()
    link = page.locator("code").filter(has_text="train_size=")
    link.wait_for()
    assert f"train_size={bundled}" in link.inner_text()
    assert f"train_size={bundled}" in page.url
