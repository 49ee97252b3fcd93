"""The store's URL: where runs.sqlite lives, psycopg for PostgreSQL, no password shown."""

from aelib.runs.schema import URL_VARIABLE, shown_url, store_url, with_driver


def test_a_folder_is_its_runs_sqlite_and_the_variable_counts_only_without_one(tmp_path,
                                                                              monkeypatch):
    monkeypatch.setenv(URL_VARIABLE, "postgresql://lab@db/lab")
    assert store_url(tmp_path) == f"sqlite:///{tmp_path / 'runs.sqlite'}"
    assert store_url(None) == "postgresql+psycopg://lab@db/lab"
    monkeypatch.delenv(URL_VARIABLE)
    monkeypatch.setenv("AELIB_RUNS_DIR", str(tmp_path))
    assert store_url(None) == f"sqlite:///{tmp_path / 'runs.sqlite'}"


def test_postgresql_gets_psycopg_and_messages_hide_the_password():
    assert with_driver("postgresql://lab:secret@db:5432/lab") == \
        "postgresql+psycopg://lab:secret@db:5432/lab"
    assert with_driver("sqlite:////tmp/runs.sqlite") == "sqlite:////tmp/runs.sqlite"
    assert shown_url("postgresql+psycopg://lab:secret@db/lab") == \
        "postgresql+psycopg://lab:***@db/lab"
