"""The mailbox of a sweep on a Ray cluster: progress from the tasks to the driver, and the stop
switch back, one Ray actor per sweep.

The actor is a process of its own for as long as the sweep lasts. It only passes messages on,
so it must stay small: it keeps each run's latest progress as the bytes the task sent (a
pickled `aelib.jobs.job.JobSnapshot`, unpickled by the driver alone) and imports nothing but
the standard library. `aelib.sweeps.cluster` ships this module to the actor by value, so the
actor's process imports neither aelib nor Keras (it held ~700 MB with TensorFlow before).
"""

from __future__ import annotations


class SweepMonitor:
    """Progress of a sweep's runs, by run index, and whether they must stop."""

    def __init__(self):
        self._fresh: dict[int, bytes | None] = {}
        self._begun: set[int] = set()
        self._stopping = False
        self._closed = False  # no run may begin any more

    def report(self, index: int, snapshot: bytes | None) -> bool:
        """Keep run `index`'s latest snapshot (None: it has just begun); returns whether this
        run must stop. A run that begins after the stop or the close is not kept: it is
        cancelled."""
        if not (self._stopping or self._closed):
            self._begun.add(index)
        if index in self._begun:
            self._fresh[index] = snapshot
        return self._stopping or index not in self._begun

    def drain(self) -> dict[int, bytes | None]:
        """The snapshots reported since the last call, by run index."""
        fresh, self._fresh = self._fresh, {}
        return fresh

    def stop(self) -> set[int]:
        """Stop the sweep; returns the runs that began (the others must be cancelled)."""
        self._stopping = True
        return set(self._begun)

    def close(self) -> set[int]:
        """Let no other run begin (those running go on); returns the runs that began (the
        others must be cancelled)."""
        self._closed = True
        return set(self._begun)
