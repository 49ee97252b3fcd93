"""Shared fixtures: small seeded slices of the bundled MNIST sample, and quiet TensorFlow logs."""

import itertools
import os
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Runs the tests make (the app records every training) go to a throw-away directory.
os.environ["AELIB_RUNS_DIR"] = tempfile.mkdtemp(prefix="aelib-test-runs-")
os.environ.pop("AELIB_RUNS_URL", None)  # never a developer's own database

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def bundled():
    """The whole bundled MNIST sample (8,000 train / 2,000 test)."""
    import aelib

    return aelib.load_dataset("bundled")


@pytest.fixture(scope="session")
def small_data(bundled):
    """512 training and 128 test images: enough to see a loss fall in a few epochs."""
    return bundled.subset(512, 128, seed=0)


@pytest.fixture
def runs_dir(tmp_path, monkeypatch):
    """A run store of the test's own: the app and `aelib.RunStore()` keep runs in `tmp_path`."""
    monkeypatch.setenv("AELIB_RUNS_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No network and no download cache, whatever the machine has: every request goes to a
    proxy on a port where nothing listens (9, discard), and Keras looks for cached datasets in an
    empty folder. Tests of what happens offline then run the same everywhere."""
    from keras.src.backend import config  # where keras.utils.get_file finds its cache

    for variable in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(variable, "http://127.0.0.1:9")
    for variable in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(config, "_KERAS_DIR", str(tmp_path))


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server of the test session's own (Debian's binaries, a temporary data
    directory, a free port), stopped and deleted after. Skipped where PostgreSQL is not
    installed, unless AELIB_REQUIRE_POSTGRES=1 (CI) makes that a failure."""
    from tests.support.postgres import PostgresServer, postgres_bin

    if postgres_bin() is None:
        if os.environ.get("AELIB_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL is not installed (apt-get install postgresql).")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql).")
    with PostgresServer() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def new_store_url(request, tmp_path):
    """Makes URLs of new, empty run stores: SQLite files in `tmp_path`, or databases on the
    session's PostgreSQL server (the test runs once with each)."""
    if request.param == "sqlite":
        folders = itertools.count(1)
        return lambda: f"sqlite:///{tmp_path / f'store-{next(folders)}' / 'runs.sqlite'}"
    return request.getfixturevalue("postgres_server").new_database
