"""Where the modules of aelib's first, flat layout live now, and the imports that still find them.

Until 2026-12 every module sat directly in `aelib/`; they now live in packages by concern. Code
written against the flat layout keeps working: `aelib.figures` (an attribute) is the module
`aelib.explore.figures`, and `import aelib.figures` or `from aelib.sweep_plan import make_plan`
import the new module under its old name too, with a `DeprecationWarning` naming the new one.
`aelib.runs`, `aelib.jobs`, `aelib.training` and `aelib.sweeps` were modules and are packages
now: they still offer the old module's public names (`from aelib.runs import RunStore`).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import importlib.machinery
import sys
import types
import warnings
from collections.abc import Sequence

# Each old module name (in aelib) -> the module that holds its code now.
MOVED_MODULES = {
    "autoencoder": "aelib.model.autoencoder", "sizes": "aelib.model.sizes",
    "model_files": "aelib.model.files",
    "datasets": "aelib.data.datasets", "shapes": "aelib.data.shapes",
    "uploads": "aelib.data.uploads", "noise": "aelib.data.noise", "drawing": "aelib.data.drawing",
    "progress": "aelib.training.progress", "distribution": "aelib.training.distribution",
    "_batches": "aelib.training._batches", "_compiled": "aelib.training._compiled",
    "_tensorflow_leak": "aelib.training._tensorflow_leak",
    "slots": "aelib.jobs.slots", "active": "aelib.jobs.active", "opened": "aelib.jobs.opened",
    "tutorial": "aelib.jobs.tutorial",
    "analysis": "aelib.explore.analysis", "quality": "aelib.explore.quality",
    "anomaly": "aelib.explore.anomaly", "advice": "aelib.explore.advice",
    "figures": "aelib.explore.figures",
    "links": "aelib.runs.links", "snippets": "aelib.runs.snippets",
    "sweep_plan": "aelib.sweeps.plan", "sweep_ray": "aelib.sweeps.cluster",
    "sweep_links": "aelib.sweeps.links", "sweep_figures": "aelib.sweeps.figures",
}


class _MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers `import aelib.<old name>` with the module's new home, and warns."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: types.ModuleType | None = None
                  ) -> importlib.machinery.ModuleSpec | None:
        package, _, name = fullname.partition(".")
        if package != "aelib" or name not in MOVED_MODULES:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        new_name = MOVED_MODULES[spec.name.partition(".")[2]]
        warnings.warn(f"{spec.name} moved to {new_name}: import it from there",
                      DeprecationWarning, stacklevel=2)
        module = importlib.import_module(new_name)
        spec.loader_state = module.__spec__  # the import system sets the alias's on it next
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run (the module was imported under its new name): give back its spec."""
        module.__spec__ = module.__spec__.loader_state


def find_moved_modules() -> None:
    """Let the import system find aelib's old module paths (once per process)."""
    if not any(isinstance(finder, _MovedModuleFinder) for finder in sys.meta_path):
        sys.meta_path.append(_MovedModuleFinder())
