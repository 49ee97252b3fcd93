"""`aelib.jobs.tutorial`: the tutorial's four experiments at its budgets (or a smaller one), and
the table that sets what they got beside what the tutorial reported."""

import pytest

import aelib
from aelib.jobs.tutorial import TUTORIAL_RUNS, comparison_rows, tutorial_jobs


def test_the_jobs_are_the_tutorials_four_models_at_its_own_budgets(small_data):
    jobs = tutorial_jobs(small_data, seed=3)
    assert [job.ae.architecture for job in jobs] == ["dense", "sparse", "deep", "conv"]
    for job, run in zip(jobs, TUTORIAL_RUNS):
        budget = aelib.REGISTRY[run.architecture].tutorial_training
        assert job.settings["epochs"] == budget.epochs  # 50 or 100, as the tutorial trained
        assert job.settings["batch_size"] == budget.batch_size
        assert job.settings["seed"] == 3
        assert not job.active  # set up, not started


def test_a_smaller_budget_sets_every_models_epochs_and_training_images(small_data):
    jobs = tutorial_jobs(small_data, epochs=2, train_size=100, seed=0)
    assert {job.settings["epochs"] for job in jobs} == {2}
    assert {len(job.data.x_train) for job in jobs} == {100}
    assert {len(job.data.x_test) for job in jobs} == {len(small_data.x_test)}


def test_the_table_puts_a_finished_run_beside_what_the_tutorial_reported(small_data, tmp_path):
    store = aelib.RunStore(tmp_path)
    dense = tutorial_jobs(small_data, epochs=1, train_size=128, store=store)[0]
    snapshot = dense.start().wait(300)
    row, = comparison_rows([snapshot])
    stored = store.get(snapshot.run_id).metrics
    assert row["model"] == "dense" and row["status"] == "finished" and row["epochs"] == 1
    assert row["tutorial reported"] == TUTORIAL_RUNS[0].reported_loss
    assert row["tutorial code mean"] == pytest.approx(7.30)
    assert row["our test loss"] == pytest.approx(stored["test_loss"])
    assert row["our code mean"] == pytest.approx(stored["code_mean"])
    assert row["our train loss"] == pytest.approx(snapshot.history["loss"][-1])
    assert row["seconds"] > 0


def test_queued_models_wait_for_the_ones_before_them_and_the_queue_is_active_until_metrics(
        small_data, tmp_path):
    store = aelib.RunStore(tmp_path)
    queue = aelib.JobQueue(tutorial_jobs(small_data, epochs=1, train_size=128, store=store)[:2])
    assert queue.snapshots()[1].progress_text() == "Waiting for the trainings before it"
    queue.start()
    while queue.active:
        assert "?" not in " ".join(snapshot.progress_text() for snapshot in queue.snapshots())
        queue.wait(0.05)
    rows = comparison_rows(queue.snapshots())
    assert all(row["our test loss"] is not None for row in rows), rows
