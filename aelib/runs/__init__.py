"""Keeping a run and sharing it: the run store, links that restore a setup, a Keras script.

`aelib.runs` was one module before it was a package: its public names are still
offered here (they live in `aelib.runs.store`), imported on first use.
"""

from aelib._lazy import attach

_NAMES = ['DEFAULT_WORKSPACE', 'METRIC_NAMES', 'default_runs_dir', 'library_versions', 'RunRecord',
          'SweepRecord', 'LoadedRun', 'RunStore', 'StoreUnavailable', 'StoreDamaged']

__getattr__, __dir__, __all__ = attach(__name__,
                                       submodules=['store', 'schema', 'copy', 'links',
                                                   'snippets'],
                                       names=dict.fromkeys(_NAMES, 'store'))
