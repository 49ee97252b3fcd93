"""The contract between a sweep and what trains its runs: this process (`LocalEngine`) or a
Ray cluster (`aelib.sweeps.cluster.RayEngine`). Anything with these members can train a sweep.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

    from aelib.data.datasets import Dataset
    from aelib.jobs.job import JobSnapshot
    from aelib.runs.store import RunStore
    from aelib.sweeps.plan import RunPoint

# How an engine passes progress on: `report(index, snapshot)` for run `points[index]`.
Report = Callable[[int, "JobSnapshot"], None]


@runtime_checkable
class SweepEngine(Protocol):
    """Trains a sweep's runs and reports their progress.

    Attributes:
        where: where the runs train, in words ("this process").
    """

    where: str

    def parallel_runs(self) -> int:
        """How many of a sweep's runs train at once."""

    def run(self, points: Sequence[RunPoint], data: Dataset, store: RunStore,
            preview_images: np.ndarray, stop: threading.Event, report: Report, *,
            no_more: threading.Event) -> None:
        """Train `points` (each on its subset of `data`, saved in `store`) until all end.

        Args:
            stop: once set, running runs stop (keeping what they learned) and no other starts.
            no_more: once set, no other run starts; running ones go on to their end.
            report: called with each run's progress as it goes.
        """
