"""Two replicas of the app on one PostgreSQL behind nginx, started and stopped by
`deploy/lab.sh` as a teacher would: a run trained through the proxy is listed and opened on each
replica, and a third person's private workspace does not see it."""

import os
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

from tests.support import ROOT, free_port
from tests.support.browser import (button, go_to, launch_chromium, open_page, require_chromium,
                                   train_briefly)
from tests.support.postgres import postgres_bin

sync_api = require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.app]


@pytest.fixture
def deployment():
    """`deploy/lab.sh start` on free ports, private workspaces on; `stop` after. Yields the
    proxy's URL and the two replicas' URLs."""
    if postgres_bin() is None or shutil.which("nginx") is None:
        if os.environ.get("AELIB_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL and nginx are needed: apt-get install postgresql nginx")
        pytest.skip("PostgreSQL or nginx is not installed")
    proxy, *replicas = (free_port() for _ in range(3))
    folder = tempfile.mkdtemp(prefix="aelib-deploy-")  # not pytest's: the postgres user
    os.chmod(folder, 0o755)  # (as root) must reach the data directory inside it
    env = {**os.environ, "PYTHON": sys.executable, "AELIB_DEPLOY_DIR": folder,
           "PROXY_PORT": str(proxy), "REPLICA_PORTS": " ".join(map(str, replicas)),
           "PG_PORT": str(free_port()), "AELIB_PRIVATE_WORKSPACES": "1"}
    script = str(ROOT / "deploy" / "lab.sh")
    started = subprocess.run([script, "start"], env=env, capture_output=True, text=True,
                             timeout=300)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield [f"http://127.0.0.1:{port}" for port in (proxy, *replicas)]
    finally:
        stopped = subprocess.run([script, "stop"], env=env, capture_output=True, text=True,
                                 timeout=120)
        shutil.rmtree(folder, ignore_errors=True)
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr


def person(browser, url):
    page = open_page(browser, url)
    page.get_by_role("heading", name="Autoencoder Lab").wait_for()
    return page


def test_a_run_trained_through_the_proxy_is_seen_and_opened_on_every_replica(deployment):
    proxy, *replicas = deployment
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            alice = person(browser, proxy)
            key = alice.wait_for_function(
                "() => new URLSearchParams(location.search).get('workspace')").json_value()
            go_to(alice, "Train")
            train_briefly(alice, 1)

            for replica in replicas:  # one of them is the replica alice trained on
                colleague = person(browser, f"{replica}/?workspace={key}")
                go_to(colleague, "Runs")
                colleague.get_by_text(re.compile(r"run \d+ · dense · bundled")).first.wait_for()
                button(colleague, "Open in the analysis pages").click()
                colleague.get_by_role("heading", name="Reconstructions", exact=True).wait_for()

            stranger = person(browser, proxy)  # a workspace of their own
            go_to(stranger, "Runs")
            stranger.get_by_text("No runs yet").wait_for()
        finally:
            browser.close()
