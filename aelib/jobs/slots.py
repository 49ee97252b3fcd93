"""`TrainingSlots`: a limit on how many trainings run at once in one process.

A lab serves several people from one process on a small machine; each training takes a slot
and waits, first come first served, while all are taken. A waiting training knows its place in
the queue and can be cancelled.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable


class TrainingSlots:
    """A limit on trainings running at once in a process, first come, first served.

    Args:
        limit: how many may run together (at least 1).

    Raises:
        ValueError: a limit below 1.

    Example:
        >>> slots = TrainingSlots(2)
        >>> if slots.acquire(holder, cancelled):  # doctest: +SKIP
        ...     try: train() finally: slots.release()
    """

    def __init__(self, limit: int):
        if int(limit) < 1:
            raise ValueError(f"The training limit must be at least 1; got {limit}.")
        self.limit = int(limit)
        self._condition = threading.Condition()
        self._waiting: list = []
        self._running = 0

    def acquire(self, holder: Hashable, cancelled: threading.Event) -> bool:
        """Wait for a free slot in turn; False if `cancelled` is set first."""
        with self._condition:
            self._waiting.append(holder)
            try:
                while self._waiting[0] is not holder or self._running >= self.limit:
                    if cancelled.is_set():
                        return False
                    self._condition.wait(0.1)
                self._running += 1
                return True
            finally:
                self._waiting.remove(holder)
                self._condition.notify_all()

    def release(self) -> None:
        """Give a slot back."""
        with self._condition:
            self._running -= 1
            self._condition.notify_all()

    def position(self, holder: Hashable) -> int | None:
        """`holder`'s place in the queue (1 is next), or None when it is not waiting."""
        with self._condition:
            return self._waiting.index(holder) + 1 if holder in self._waiting else None

    @property
    def running(self) -> int:
        """Trainings holding a slot now."""
        with self._condition:
            return self._running
