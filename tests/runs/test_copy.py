"""Copying a store: every run with its model, ids kept, into an empty store only."""

import pytest

import aelib
from aelib.runs.copy import copy_store
from aelib.runs.store import RunStore


def test_a_store_is_copied_whole_and_a_store_with_runs_is_not_overwritten(small_data, tmp_path):
    source_url = f"sqlite:///{tmp_path / 'a' / 'runs.sqlite'}"
    source = RunStore(url=source_url)
    ae = aelib.build("dense", encoding_dim=4)
    first = source.save(ae, small_data, {"epochs": 1}, {"loss": [0.3]})
    source.save(ae, small_data, {"epochs": 2}, {"loss": [0.3, 0.2]})
    target_url = f"sqlite:///{tmp_path / 'b' / 'runs.sqlite'}"
    assert copy_store(source_url, target_url) == 2
    target = RunStore(url=target_url)
    assert [r.id for r in target.list()] == [r.id for r in source.list()]
    assert target.model_bytes(first) == source.model_bytes(first)
    with pytest.raises(ValueError, match="already holds runs or sweeps"):
        copy_store(source_url, target_url)
