"""TrainingSlots: at most `limit` holders at once, the others waiting first come, first served."""

import threading
import time

import pytest

from aelib.jobs.slots import TrainingSlots


def waiter(slots, holder, cancelled, acquired):
    """A thread that waits for a slot as `holder` and appends it to `acquired` once it has one."""
    def run():
        if slots.acquire(holder, cancelled):
            acquired.append(holder)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def wait_for(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_holders_beyond_the_limit_wait_in_their_order_and_know_their_place():
    slots, never, acquired = TrainingSlots(1), threading.Event(), []
    assert slots.acquire("first", never) and slots.running == 1
    second = waiter(slots, "second", never, acquired)
    wait_for(lambda: slots.position("second") == 1)
    third = waiter(slots, "third", never, acquired)
    wait_for(lambda: slots.position("third") == 2)
    assert slots.position("first") is None and acquired == []

    slots.release()
    second.join(5)
    assert acquired == ["second"] and slots.position("third") == 1
    slots.release()
    third.join(5)
    assert acquired == ["second", "third"] and slots.running == 1


def test_a_cancelled_waiter_leaves_the_queue_without_a_slot():
    slots, acquired = TrainingSlots(1), []
    assert slots.acquire("first", threading.Event())
    cancelled = threading.Event()
    thread = waiter(slots, "second", cancelled, acquired)
    wait_for(lambda: slots.position("second") == 1)
    cancelled.set()
    thread.join(5)
    assert not thread.is_alive() and acquired == [] and slots.position("second") is None
    assert slots.running == 1


def test_two_slots_let_two_run_at_once():
    slots, never = TrainingSlots(2), threading.Event()
    assert slots.acquire("a", never) and slots.acquire("b", never) and slots.running == 2


def test_slots_refuse_a_limit_below_one():
    with pytest.raises(ValueError, match="at least 1; got 0"):
        TrainingSlots(0)
