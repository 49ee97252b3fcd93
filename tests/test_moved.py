"""`aelib._moved`: code written against the flat layout of aelib (before its packages) still
runs, and an old module path says where the module went."""

import importlib
import subprocess
import sys
import textwrap

import pytest

import aelib
from aelib._moved import MOVED_MODULES
from tests.support import ROOT

# What the README showed people importing before the move, as a notebook would write it.
NOTEBOOK = textwrap.dedent("""
    import sys, warnings
    warnings.simplefilter("error", DeprecationWarning)  # none of these may warn
    import aelib
    from aelib.runs import RunStore, METRIC_NAMES
    from aelib import analysis, figures
    from aelib.training import train, TrainResult
    from aelib.jobs import TrainingJob, JobSnapshot
    from aelib.sweeps import sweep, results, ray_engine
    assert RunStore is aelib.RunStore and train is aelib.train
    assert analysis.run_metrics and figures.image_rows
    assert aelib.sweep_links.to_query and aelib.sweep_figures.metric_against_parameter
    assert aelib.links.to_query and aelib.uploads.UploadLimits and aelib.images.ImageLimits
    assert aelib.memory.give_back and aelib.drawing.digit_from_drawing and aelib.sizes.summary
    assert aelib.quality and aelib.anomaly and aelib.snippets and aelib.shapes
    print(sorted(m for m in sys.modules if m.startswith(("keras", "tensorflow")))[:1])
""")


def test_a_notebook_written_against_the_flat_layout_runs_unchanged():
    done = subprocess.run([sys.executable, "-c", NOTEBOOK], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.parametrize("old", sorted(MOVED_MODULES))
def test_an_old_module_path_imports_the_moved_module_and_warns(old):
    new = importlib.import_module(MOVED_MODULES[old])
    with pytest.warns(DeprecationWarning, match=f"aelib.{old} moved to {MOVED_MODULES[old]}"):
        sys.modules.pop(f"aelib.{old}", None)
        moved = importlib.import_module(f"aelib.{old}")
    assert moved is new
    assert new.__spec__.name == new.__name__ == MOVED_MODULES[old]  # the module is untouched


def test_from_an_old_path_import_a_name():
    with pytest.warns(DeprecationWarning, match="aelib.sweep_plan moved to aelib.sweeps.plan"):
        sys.modules.pop("aelib.sweep_plan", None)
        from aelib.sweep_plan import make_plan
    assert make_plan is aelib.sweeps.plan.make_plan


def test_names_that_never_existed_still_fail_as_before():
    with pytest.raises(AttributeError, match="has no attribute 'nonsense'"):
        aelib.nonsense  # noqa: B018
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("aelib.nonsense")
