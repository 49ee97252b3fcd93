"""Two replicas of the app on one PostgreSQL behind nginx, started and stopped by
`deploy/lab.sh` as a teacher would: a run trained through the proxy is listed and opened on each
replica, and a third person's private workspace does not see it; a replica killed mid-training
hands its people to the other one, where their runs are and the killed training reads
"interrupted"; the database restarted while they browse is one sentence, then back."""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy

from tests.support import ROOT, free_port
from tests.support.browser import (button, go_to, launch_chromium, open_page, require_chromium,
                                   set_number, train_briefly)
from tests.support.postgres import PostgresServer, postgres_bin

sync_api = require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.app]


@dataclass
class Deployment:
    """What `deploy/lab.sh start` made: its folder, the proxy's URL, the replicas' URLs and
    the database's port."""
    folder: Path
    proxy: str
    replicas: list[str]
    database_port: int

    def database(self) -> PostgresServer:
        """The deployment's PostgreSQL server, to stop and start again."""
        return PostgresServer(self.folder / "postgres", self.database_port)

    def running_pids(self) -> list[int]:
        """The processes of the runs the database says are running."""
        engine = sqlalchemy.create_engine(self.database().url("aelib"))
        try:
            with engine.connect() as db:
                return [pid for (pid,) in db.execute(sqlalchemy.text(
                    "SELECT pid FROM runs WHERE status = 'running'"))]
        finally:
            engine.dispose()

    def replica_pids(self) -> list[int]:
        """The replicas' processes, as `deploy/lab.sh` wrote them down."""
        return [int(path.read_text()) for path in self.folder.glob("replica-*.pid")]


@pytest.fixture
def deployment():
    """`deploy/lab.sh start` on free ports, private workspaces on; `stop` after."""
    if postgres_bin() is None or shutil.which("nginx") is None:
        if os.environ.get("AELIB_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL and nginx are needed: apt-get install postgresql nginx")
        pytest.skip("PostgreSQL or nginx is not installed")
    proxy, *replicas = (free_port() for _ in range(3))
    database_port = free_port()
    folder = tempfile.mkdtemp(prefix="aelib-deploy-")  # not pytest's: the postgres user
    os.chmod(folder, 0o755)  # (as root) must reach the data directory inside it
    env = {**os.environ, "PYTHON": sys.executable, "AELIB_DEPLOY_DIR": folder,
           "PROXY_PORT": str(proxy), "REPLICA_PORTS": " ".join(map(str, replicas)),
           "PG_PORT": str(database_port), "AELIB_PRIVATE_WORKSPACES": "1"}
    script = str(ROOT / "deploy" / "lab.sh")
    started = subprocess.run([script, "start"], env=env, capture_output=True, text=True,
                             timeout=300)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield Deployment(Path(folder), f"http://127.0.0.1:{proxy}",
                         [f"http://127.0.0.1:{port}" for port in replicas], database_port)
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
    proxy, replicas = deployment.proxy, deployment.replicas
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


def test_a_killed_replica_and_a_restarted_database_lose_no_run(deployment):
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            alice = person(browser, deployment.proxy)
            go_to(alice, "Train")
            train_briefly(alice, 1)  # run 1, finished
            set_number(alice, "epochs", 200)
            button(alice, "Train").click()  # run 2, still training when its replica dies
            alice.get_by_text(re.compile(r"Epoch \d+/200")).wait_for()

            (pid,) = deployment.running_pids()
            assert pid in deployment.replica_pids()
            os.kill(pid, signal.SIGKILL)  # the replica alice's training runs on
            # Her page reconnects through the proxy to the other replica: a new session there,
            # with her link's settings and her workspace, and no model in hand.
            alice.locator("section[data-testid='stSidebar']").get_by_text(
                "none yet", exact=True).wait_for()
            alice.get_by_role("spinbutton", name="epochs", exact=True).wait_for()
            assert alice.get_by_role("spinbutton", name="epochs", exact=True).input_value() == "200"
            go_to(alice, "Runs")
            alice.get_by_text(re.compile(r"run 1 · dense · bundled")).first.wait_for()
            pick(alice, "Run", re.compile(r"run 2 · dense"))
            alice.get_by_text("interrupted", exact=True).wait_for()  # not "running" for ever

            database = deployment.database()
            database.stop()
            go_to(alice, "Home", "Autoencoder Lab")
            go_to(alice, "Runs")
            alice.get_by_text(re.compile(r"The run store at .* cannot be reached")).wait_for()
            assert alice.get_by_text("Traceback").count() == 0
            database.start()
            go_to(alice, "Home", "Autoencoder Lab")
            go_to(alice, "Runs")
            alice.get_by_text(re.compile(r"run 1 · dense · bundled")).first.wait_for()
        finally:
            browser.close()


def pick(page, label: str, option: re.Pattern) -> None:
    """Pick the option matching `option` in the select box labelled `label`."""
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option).first.click()
