"""`aelib.jobs.active.ActiveTrainings`: a person finds their own running trainings again, and
nobody else's; an ended training is no longer held."""

import gc
import threading
from dataclasses import dataclass

from aelib.jobs.active import ActiveTrainings


@dataclass
class Snapshot:
    run_id: int


class Training:
    """What the registry needs of a training: `active`, `snapshot().run_id`, `stop()`."""

    def __init__(self, run_id):
        self.run_id, self.active = run_id, True

    def snapshot(self):
        return Snapshot(self.run_id)

    def stop(self):
        self.active = False


def test_each_owner_finds_only_their_own_trainings_oldest_first():
    trainings = ActiveTrainings()
    first, second, other = Training(1), Training(2), Training(3)
    trainings.add("alice", first)
    trainings.add("bob", other)
    trainings.add("alice", second)
    assert trainings.of("alice") == [first, second]
    assert trainings.of("bob") == [other]
    assert trainings.of("carol") == []


def test_a_purpose_narrows_the_search():
    trainings = ActiveTrainings()
    model, tutorial = Training(1), Training(2)
    trainings.add("alice", model)
    trainings.add("alice", tutorial, purpose="tutorial")
    assert trainings.of("alice", "model") == [model]
    assert trainings.of("alice", "tutorial") == [tutorial]
    assert trainings.of("alice") == [model, tutorial]


def test_a_run_is_found_only_by_the_owner_of_its_running_training():
    trainings = ActiveTrainings()
    training = Training(7)
    trainings.add("alice", training)
    assert trainings.owns_run("alice", 7) is training
    assert trainings.owns_run("bob", 7) is None
    assert trainings.owns_run("alice", 8) is None
    training.stop()
    assert trainings.owns_run("alice", 7) is None  # ended: nobody's to take up


def test_an_ended_training_is_not_listed_and_a_dropped_one_is_not_kept_alive():
    trainings = ActiveTrainings()
    ended, dropped = Training(1), Training(2)
    trainings.add("alice", ended)
    trainings.add("alice", dropped)
    ended.stop()
    assert trainings.of("alice") == [dropped]
    del dropped
    gc.collect()
    assert trainings.of("alice") == []
    assert len(trainings._owners) == 1  # only `ended`, which this test still holds


def test_trainings_added_from_many_threads_are_all_found():
    threads = 8
    trainings = ActiveTrainings()
    made = [Training(i) for i in range(threads * 50)]
    workers = [threading.Thread(target=lambda part=made[i::threads]: [
        trainings.add("alice", training) for training in part]) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(t.run_id for t in trainings.of("alice")) == list(range(threads * 50))
