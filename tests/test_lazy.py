"""Lazy package attributes: a submodule, a name and an alias load on first use, and nothing else."""

import pytest

from aelib._lazy import attach


def test_names_modules_and_aliases_load_on_first_use_and_others_are_refused():
    getattr_, dir_, public = attach("aelib.explore", submodules=["advice"],
                                    names={"pca_verdict": "advice"},
                                    aliases={"store": "aelib.runs.store"})
    assert public == dir_() == ["advice", "pca_verdict", "store"]
    assert getattr_("advice").__name__ == "aelib.explore.advice"
    assert getattr_("pca_verdict").__name__ == "pca_verdict"
    assert getattr_("store").__name__ == "aelib.runs.store"
    with pytest.raises(AttributeError, match="module 'aelib.explore' has no attribute 'nope'"):
        getattr_("nope")
