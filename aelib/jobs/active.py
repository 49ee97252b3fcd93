"""`ActiveTrainings`: the trainings still running in this process, by owner.

A person who reloads the page gets a new session, and with it an empty session state, while
their training goes on in the background. Registered here under an owner (an id of their
browser, say), it can be found again by that owner, and by nobody else. Trainings are held
weakly: a running training is kept alive by its own thread, and once it has ended the registry
no longer keeps it (nor the model and data it holds) for anyone.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Hashable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aelib.jobs.job import TrainingJob


class ActiveTrainings:
    """Running trainings (anything with `active`, `run_id` through `snapshot()`, and `stop()`,
    such as `aelib.TrainingJob`), each under its owner.

    Example:
        >>> trainings = ActiveTrainings()
        >>> trainings.add("browser-1", job)          # doctest: +SKIP
        >>> trainings.of("browser-1")                # doctest: +SKIP
        [<TrainingJob ...>]
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._owners: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def add(self, owner: Hashable, training: TrainingJob, purpose: str = "model") -> None:
        """Register `training` as `owner`'s, for `purpose` (e.g. "model": the one a person
        explores; "tutorial": one of a queue)."""
        with self._lock:
            self._owners[training] = (owner, purpose)

    def of(self, owner: Hashable, purpose: str | None = None) -> list:
        """`owner`'s trainings (for `purpose`, or any) that are still running or waiting for a
        slot, oldest first."""
        return [training for training, (who, why) in self._items()
                if who == owner and purpose in (None, why)]

    def owns_run(self, owner: Hashable, run_id: int) -> object | None:
        """`owner`'s running training that records run `run_id`, or None (another owner's,
        finished, or not a training of this process)."""
        return next((training for training in self.of(owner)
                     if training.snapshot().run_id == run_id), None)

    def _items(self) -> Iterator[tuple[object, tuple[Hashable, str]]]:
        with self._lock:
            items = list(self._owners.items())
        return ((training, owner) for training, owner in items if training.active)
