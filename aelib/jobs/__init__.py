"""Trainings in the background for many people in one process: jobs, slots, what is active;
models opened to explore, the tutorial's experiments and the pretrained models shipped with aelib.

`aelib.jobs` was one module before it was a package: its public names are still
offered here (they live in `aelib.jobs.job`), imported on first use.
"""

from aelib._lazy import attach

_NAMES = ['JobSnapshot', 'ANALYSES', 'TrainingJob', 'JobQueue']

__getattr__, __dir__, __all__ = attach(
    __name__, submodules=['job', 'slots', 'active', 'opened', 'tutorial', 'in_hand',
                             'pretrained'],
    names=dict.fromkeys(_NAMES, 'job'))
