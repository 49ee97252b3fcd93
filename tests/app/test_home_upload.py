"""AppTest of uploads on Home: a good file becomes the session's dataset; every crafted bad file
gets a clear error and the lab keeps working."""

import re

import numpy as np
import pytest

import aelib
from lab.navigation import ANALYSIS_PAGES, HOME_PAGE, LATENT_PAGE, TRAIN_PAGE
from tests.support.apptest import button, configure, open_app
from tests.data.test_uploads import BAD_FILES, DIGITS, LABELS, npz

pytestmark = pytest.mark.app


def upload(at, name, data):
    at.file_uploader(key="data_upload").set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception
    return at


def test_an_upload_is_previewed_then_used_by_every_page():
    at = upload(open_app(), "mine.npz", npz(x=DIGITS, y=LABELS))
    assert any("**20 images** of 28x28" in m.value for m in at.markdown)
    assert any("divided uint8 pixels by 255" in c.value for c in at.caption)
    button(at, "Use this dataset").click().run()
    assert at.radio[0].value == "upload"
    assert "In use: your upload 'mine.npz'" in at.success[0].value
    configure(at, cfg_epochs=1)
    at.switch_page(TRAIN_PAGE).run()
    button(at, "Train").click().run()
    job = at.session_state["model"]
    assert job.wait(120).status == "finished" and job.data.name == "upload:mine.npz"
    for page in ANALYSIS_PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        if page == LATENT_PAGE:  # a VAE's page: the dense model gets a sentence
            assert "The latent lab reads a VAE's code" in at.info[0].value
        else:
            assert at.get("plotly_chart"), page


def test_a_second_session_does_not_see_the_upload():
    first = upload(open_app(), "mine.npz", npz(x=DIGITS, y=LABELS))
    button(first, "Use this dataset").click().run()
    second = open_app()
    assert "upload" not in second.radio[0].options


# The uploader itself turns away other extensions (BAD_FILES[0]); the rest reach aelib.
@pytest.mark.parametrize("name, data, message", BAD_FILES[1:],
                         ids=[f"{i}" for i in range(1, len(BAD_FILES))])
def test_each_bad_file_gets_a_clear_error_and_the_lab_keeps_working(name, data, message):
    at = upload(open_app(), name, data)
    assert at.error and name in at.error[0].value
    assert re.search(message, at.error[0].value)
    assert "Use this dataset" not in [b.label for b in at.button]
    at.switch_page(TRAIN_PAGE).run()  # still works, on the bundled sample
    assert not at.exception and not at.error


def test_a_second_smaller_upload_starts_at_its_own_full_size():
    """A size kept for one upload is neither forced onto a smaller one (it raised above the
    slider's maximum) nor left at the slider's minimum: a new dataset starts whole."""
    rng = np.random.default_rng(1)
    at = upload(open_app(), "big.npz", npz(x=rng.integers(0, 256, (300, 28, 28), np.uint8)))
    button(at, "Use this dataset").click().run()
    at.switch_page(TRAIN_PAGE).run()
    assert at.slider[0].max == 240 and at.slider[0].value == 240  # 300 images, 60 for testing
    at.slider[0].set_value(200).run()

    at.switch_page(HOME_PAGE).run()
    upload(at, "small.npz", npz(x=rng.integers(0, 256, (200, 28, 28), np.uint8)))
    button(at, "Use this dataset").click().run()
    at.switch_page(TRAIN_PAGE).run()
    assert not at.exception, at.exception
    assert (at.slider[0].max, at.slider[0].value) == (160, 160)


def test_a_link_asking_for_more_training_images_than_the_dataset_has_gets_all_of_them():
    at = open_app(TRAIN_PAGE, query={"arch": "dense", "data": "bundled", "train_size": "999999"})
    assert not at.exception, at.exception
    assert at.slider[0].value == at.slider[0].max == 8000


def test_an_upload_is_read_once_not_again_on_every_rerun(monkeypatch):
    calls = []
    real = aelib.load_upload
    monkeypatch.setattr(aelib, "load_upload", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    at = upload(open_app(), "mine.npz", npz(x=DIGITS, y=LABELS))
    at.run()
    at.run()
    assert calls == ["mine.npz"]
    at.selectbox(key="data_upload_side").set_value(32).run()  # another size: read again
    assert calls == ["mine.npz", "mine.npz"]
    assert any("of 32x32 grey" in m.value for m in at.markdown)
