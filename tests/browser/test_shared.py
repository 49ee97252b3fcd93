"""Two people at once on one shared deployment, in two independent browser contexts, with the
training limit at 1: each sees only their own model, data and runs; the second waits, then
trains."""

import re

import pytest

from tests.support.browser import (app_in_chromium, open_page, button, go_to, require_chromium,
                                   set_number, shot, wait_trained)

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.app]
SHARED = {"AELIB_MAX_TRAININGS": "1", "AELIB_PRIVATE_WORKSPACES": "1"}


def person(app):
    page = open_page(app.browser, app.url)
    page.get_by_role("heading", name="Autoencoder Lab").wait_for()
    return page


def test_two_people_train_at_once_each_seeing_only_their_own(tmp_path):
    with app_in_chromium(env={**SHARED, "AELIB_RUNS_DIR": str(tmp_path)}) as app:
        alice, bob = person(app), person(app)
        keys = [p.wait_for_function("() => new URLSearchParams(location.search).get('workspace')")
                .json_value() for p in (alice, bob)]
        # a private workspace each, in the URL
        assert all(re.fullmatch(r"[\w-]{16,}", key) for key in keys) and keys[0] != keys[1]

        bob.get_by_text("scikit-learn digits (8x8, upscaled)").click()
        bob.get_by_text("In use: scikit-learn's bundled 8x8 digits").wait_for()

        go_to(alice, "Train")
        set_number(alice, "epochs", 300)
        button(alice, "Train").click()
        alice.get_by_text(re.compile(r"Epoch \d+/300")).wait_for()

        go_to(bob, "Train")
        set_number(bob, "epochs", 1)
        button(bob, "Train").click()
        bob.get_by_test_id("stMain").get_by_text(re.compile(r"place 1\)")).first.wait_for()
        shot(bob, "queued")

        button(alice, "Stop").click()
        alice.get_by_text(re.compile("Training ended early")).wait_for()
        wait_trained(bob, 1)

        assert alice.locator("section[data-testid='stSidebar']").get_by_text(
            "MNIST sample (bundled, offline)").is_visible()
        assert bob.locator("section[data-testid='stSidebar']").get_by_text(
            "scikit-learn digits (8x8, upscaled)").is_visible()

        go_to(alice, "Runs")
        alice.get_by_text("Compare runs").wait_for()
        go_to(bob, "Runs")
        bob.get_by_text("Compare runs").wait_for()
        assert "bundled" in alice.get_by_text(re.compile(r"run \d+ · dense · ")).first.inner_text()
        assert "digits" in bob.get_by_text(re.compile(r"run \d+ · dense · ")).first.inner_text()
        assert alice.get_by_text(re.compile(r"run \d+ · dense · digits")).count() == 0
        assert bob.get_by_text(re.compile(r"run \d+ · dense · bundled")).count() == 0
