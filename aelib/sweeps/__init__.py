"""A grid of runs, trained here or on a Ray cluster, with its links and figures.

`aelib.sweeps` was one module before it was a package: its public names are still
offered here (they live in `aelib.sweeps.local`), imported on first use.
"""

from aelib._lazy import attach

_NAMES = ['RAY_ADDRESS', 'PREVIEW_IMAGES', 'POLL_SECONDS', 'LocalEngine', 'Sweep',
          'sweep', 'make_engine', 'ray_address', 'ray_engine', 'progress_rows', 'sweep_label',
          'stored_plan', 'recorded_value', 'run_label', 'results', 'reconstructions',
          'training_job']

__getattr__, __dir__, __all__ = attach(
    __name__, submodules=['plan', 'engine', 'local', 'cluster', 'links', 'figures', 'studies',
                             'remote'],
    names={**dict.fromkeys(_NAMES, 'local'), 'Report': 'engine', 'SweepEngine': 'engine'})
