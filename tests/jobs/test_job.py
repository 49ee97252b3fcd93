import threading
import time

import numpy as np
import pytest

import aelib
from aelib.jobs.job import retry_save
from aelib.runs.store import StoreUnavailable
from aelib.training.progress import BatchProgress, EpochEnded


def test_job_trains_in_the_background_and_reports_each_epoch(small_data):
    job = aelib.TrainingJob(aelib.build("dense", seed=0), small_data,
                            {"epochs": 2, "batch_size": 64}, small_data.x_test[:10]).start()
    snapshot = job.wait(120)
    assert snapshot.status == "finished" and snapshot.done and snapshot.message is None
    assert snapshot.fraction == 1.0 and snapshot.epoch == 2 and snapshot.epochs == 2
    assert len(snapshot.history["loss"]) == len(snapshot.history["val_loss"]) == 2
    assert snapshot.preview.shape == (10, 28, 28, 1) and snapshot.preview_epoch == 2
    assert (snapshot.preview == job.ae.reconstruct(small_data.x_test[:10])).all()
    assert snapshot.seconds == job.snapshot().seconds  # the clock stops when the job ends


def test_a_job_without_epochs_plans_train_s_default(small_data):
    job = aelib.TrainingJob(aelib.build("dense", seed=0), small_data, {}, small_data.x_test[:1])
    assert job.snapshot().epochs == aelib.settings.training_spec("epochs").default


def test_stopping_a_job_keeps_its_history_and_says_why(small_data, monkeypatch):
    monkeypatch.setattr("aelib.training.progress.BATCH_EVENT_INTERVAL_S", 0.0)
    job = aelib.TrainingJob(aelib.build("dense", seed=0), small_data,
                            {"epochs": 50, "batch_size": 16, "steps_per_execution": 1},
                            small_data.x_test[:2])
    original = job._on_progress

    def stop_after_first_epoch(event):
        original(event)
        if isinstance(event, BatchProgress) and event.epoch == 2:
            job.stop()

    job._on_progress = stop_after_first_epoch
    snapshot = job.start().wait(120)
    assert snapshot.status == "stopped" and snapshot.message == "stopped on request"
    assert len(snapshot.history["loss"]) == 2 and snapshot.preview_epoch == 2
    assert 0 < snapshot.fraction < 0.1


def test_after_training_the_codes_and_their_t_sne_map_are_made_in_the_background(small_data):
    job = aelib.TrainingJob(aelib.build("dense", seed=0), small_data, {"epochs": 1},
                            small_data.x_test[:1],
                            after_training=aelib.explore.analysis.code_analysis).start()
    assert not job.analysis.done()  # nothing to analyse before training
    made = job.analysis.result(120)
    np.testing.assert_array_equal(made["test_codes"], job.ae.encode(small_data.x_test))
    assert made["tsne"].embedding.shape == (len(small_data.x_test), 2)


def test_jobs_without_a_trained_model_have_an_empty_analysis(small_data):
    failing = aelib.TrainingJob(aelib.build("dense"), small_data, {"epochs": 0},
                                small_data.x_test[:1],
                                after_training=aelib.explore.analysis.code_analysis)
    assert failing.start().analysis.result(60) == {}
    cancelled = aelib.TrainingJob(aelib.build("dense"), small_data, {"epochs": 1},
                                  small_data.x_test[:1],
                                  after_training=aelib.explore.analysis.code_analysis)
    cancelled.cancel()
    assert cancelled.analysis.result(1) == {}
    opened = aelib.OpenedModel(aelib.build("dense"), small_data, "run 1", {"loss": [0.3]})
    assert opened.analysis.result(1) == {} and opened.describe() == "run 1: trained 1 epoch"


def test_a_failing_job_says_what_went_wrong(small_data):
    job = aelib.TrainingJob(aelib.build("dense"), small_data, {"epochs": 0}, small_data.x_test[:2])
    snapshot = job.start().wait(60)
    assert snapshot.status == "failed"
    assert snapshot.message.startswith("Training failed: epochs=0 is not allowed")


def wait_until(condition, timeout=60.0):
    """Poll `condition()` until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def long_and_short_job(data, slots):
    """A long job holding the only slot, then a one-epoch job queued behind it."""
    long = aelib.TrainingJob(aelib.build("dense"), data, {"epochs": 200, "batch_size": 16},
                             data.x_test[:1], slots=slots).start()
    wait_until(lambda: long.snapshot().status == "running")  # it has the slot, for sure
    short = aelib.TrainingJob(aelib.build("dense"), data, {"epochs": 1}, data.x_test[:1],
                              slots=slots).start()
    wait_until(lambda: short.snapshot().queue_position == 1)
    return long, short


def test_with_one_slot_a_second_job_waits_its_turn_then_trains(small_data):
    slots = aelib.TrainingSlots(1)
    first, second = long_and_short_job(small_data, slots)
    time.sleep(0.5)
    waiting = second.snapshot()
    assert waiting.status == "queued" and waiting.queue_position == 1 and not waiting.done
    assert slots.running == 1
    first.stop()
    assert second.wait(120).status == "finished"
    assert first.snapshot().status == "stopped" and slots.running == 0


def test_a_queued_job_can_be_cancelled(small_data):
    slots = aelib.TrainingSlots(1)
    first, second = long_and_short_job(small_data, slots)
    second.stop()
    snapshot = second.wait(30)
    assert snapshot.status == "cancelled" and "waiting for a free training slot" in snapshot.message
    assert snapshot.history == {} and first.snapshot().status == "running"
    first.stop()
    first.wait(60)


@pytest.mark.parametrize("name", ["dense", "conv"])  # a whole epoch per call; 8 steps per call
def test_the_snapshot_knows_the_batches_from_the_start_and_an_eta_after_one_epoch(name,
                                                                                  small_data):
    job = aelib.TrainingJob(aelib.build(name, seed=0), small_data,
                            {"epochs": 3, "batch_size": 64}, small_data.x_test[:1])
    seen = []
    original = job._on_progress

    def watch(event):
        original(event)
        seen.append((type(event).__name__, job.snapshot()))

    job._on_progress = watch
    assert job.start().wait(300).status == "finished"
    assert seen[0][0] == "EpochStarted" and seen[0][1].batches == 8  # 512 images of 64
    assert all(snapshot.batches == 8 for _, snapshot in seen)
    first_epoch_end = next(i for i, (kind, _) in enumerate(seen) if kind == "EpochEnded")
    after = [snapshot for _, snapshot in seen[first_epoch_end:]]
    assert all(s.eta_seconds is not None and s.eta_seconds >= 0 for s in after)
    assert after[0].batch == 8 and after[0].eta_seconds > 0  # two epochs to go


def test_an_abandoned_training_finishes_into_the_store_and_a_waiting_one_never_trains(
        small_data, tmp_path):
    store, slots = aelib.RunStore(tmp_path), aelib.TrainingSlots(1)
    training = aelib.TrainingJob(aelib.build("dense"), small_data,
                                 {"epochs": 30, "batch_size": 16}, small_data.x_test[:1],
                                 store=store, slots=slots,
                                 after_training=aelib.explore.analysis.code_analysis).start()
    waiting = aelib.TrainingJob(aelib.build("dense"), small_data, {"epochs": 1},
                                small_data.x_test[:1], store=store, slots=slots).start()
    wait_until(lambda: training.snapshot().status == "running")
    training.abandon()  # its session ended
    waiting.abandon()
    assert training.wait(300).status == "finished" and training.snapshot().saved
    assert store.get(training.snapshot().run_id).status == "finished"
    assert training.analysis.result(10) == {}  # no t-SNE map for nobody
    assert waiting.wait(30).status == "cancelled" and waiting.snapshot().history == {}


def test_an_abandoned_queue_finishes_its_training_and_starts_no_other(small_data):
    jobs = [aelib.TrainingJob(aelib.build("dense"), small_data, {"epochs": 30, "batch_size": 16},
                              small_data.x_test[:1]) for _ in range(2)]
    queue = aelib.JobQueue(jobs).start()
    wait_until(lambda: jobs[0].snapshot().status == "running")
    queue.abandon()
    first, second = queue.wait(300)
    assert first.status == "finished" and len(first.history["loss"]) == 30
    assert second.status == "cancelled"


def test_a_continued_job_trains_the_same_model_on_and_its_run_says_which_it_continued(
        small_data, tmp_path):
    store = aelib.RunStore(tmp_path)
    first = aelib.TrainingJob(aelib.build("dense"), small_data, {"epochs": 2, "batch_size": 64},
                              small_data.x_test[:2], store=store).start()
    earlier = first.wait(120)
    wait_until(lambda: first.snapshot().metrics is not None)
    weights = first.ae.autoencoder.get_weights()[0].copy()
    more = aelib.TrainingJob(first.ae, first.data, {"epochs": 1, "batch_size": 64},
                             small_data.x_test[:2], store=store, history=earlier.history,
                             continued_from=earlier.run_id)
    assert more.snapshot().epochs == 3 and more.snapshot().epochs_done == 2
    snapshot = more.start().wait(120)
    assert snapshot.status == "finished" and snapshot.epoch == 3 and snapshot.preview_epoch == 3
    assert snapshot.history["loss"][:2] == earlier.history["loss"]
    assert len(snapshot.history["val_loss"]) == 3 and snapshot.headline() == "trained 3 epochs"
    assert not np.array_equal(more.ae.autoencoder.get_weights()[0], weights)  # trained on
    record = store.get(snapshot.run_id)
    assert snapshot.run_id != earlier.run_id and record.continued_from == earlier.run_id
    assert record.settings["initial_epoch"] == 2 and len(record.history["loss"]) == 3
    assert store.get(earlier.run_id).continued_from is None


def test_a_save_while_the_database_restarts_is_tried_again_and_keeps_the_run(
        small_data, postgres_server, monkeypatch):
    monkeypatch.setattr("aelib.jobs.job.SAVE_RETRY_SECONDS", (0.5,) * 60)
    store = aelib.RunStore(url=postgres_server.new_database())
    job = aelib.TrainingJob(aelib.build("dense", seed=0), small_data,
                            {"epochs": 2, "batch_size": 64}, small_data.x_test[:1], store=store)
    on_progress, back = job._on_progress, threading.Event()
    messages = []

    def database_down_as_the_training_ends(event):
        on_progress(event)
        if isinstance(event, EpochEnded) and event.epoch == 2:
            postgres_server.stop()  # the real server, stopped before the job saves

            def restart():
                messages.append(job.snapshot().message)
                postgres_server.start()
                back.set()
            threading.Timer(3, restart).start()

    job._on_progress = database_down_as_the_training_ends
    snapshot = job.start().wait(120)
    assert back.is_set() and snapshot.saved and snapshot.message is None
    assert messages[0].startswith("Saving the run: The run store at postgresql") and \
        "Trying again in 0.5 s" in messages[0]
    record = store.get(snapshot.run_id)
    assert record.status == "finished" and record.has_model and len(record.history["loss"]) == 2


def test_a_vae_job_keeps_a_replay_snapshot_per_epoch(small_data):
    ae = aelib.build("vae", seed=0, latent_dim=3, intermediate_dim=16)
    job = aelib.TrainingJob(ae, small_data, {"epochs": 2, "batch_size": 64},
                            small_data.x_test[:2]).start()
    snapshot = job.wait(120)
    assert [shot.epoch for shot in snapshot.replay] == [1, 2]
    last = snapshot.replay[-1]
    assert np.allclose(last.kl, [snapshot.history[f"kl_dim_{i}"][-1] for i in range(3)])
    assert list(last.dimensions) == list(np.argsort(-last.kl, kind="stable"))
    assert last.images.dtype == np.uint8 and last.images.shape == (3, 11, 28, 28, 1)
    expected = aelib.analysis.latent_traversal(
        ae, ae.encode(small_data.x_test[:1])[0], aelib.analysis.REPLAY_VALUES)
    assert np.abs(last.images / 255 - expected[last.dimensions]).max() <= 0.5 / 255 + 1e-6


def test_a_job_of_a_model_without_a_latent_prior_keeps_no_replay(small_data):
    job = aelib.TrainingJob(aelib.build("dense", seed=0), small_data, {"epochs": 1},
                            small_data.x_test[:1]).start()
    assert job.wait(120).replay == ()


def test_retry_save_tries_again_while_the_store_is_unreachable(monkeypatch):
    monkeypatch.setattr("aelib.jobs.job.SAVE_RETRY_SECONDS", (0.01, 0.02))
    calls, said = [], []

    def save(failures):
        calls.append(1)
        if len(calls) <= failures:
            raise StoreUnavailable("The run store at sqlite:///x cannot be reached right now.")

    retry_save(lambda: save(2), said.append)
    assert len(calls) == 3 and said == [
        "Saving the run: The run store at sqlite:///x cannot be reached right now. Trying "
        f"again in {delay} s." for delay in (0.01, 0.02)]
    calls.clear()
    with pytest.raises(StoreUnavailable):  # the waits spent: the last error
        retry_save(lambda: save(3), said.append)
    assert len(calls) == 3


def test_a_run_off_the_shapes_keeps_no_scorecard_and_awaits_no_later_scores(small_data,
                                                                            tmp_path):
    from aelib.explore.metrics import SCORECARD

    store = aelib.RunStore(tmp_path)
    job = aelib.TrainingJob(aelib.build("dense", seed=0), small_data, {"epochs": 1},
                            small_data.x_test[:1], store=store).start()
    job.wait(120)
    deadline = time.monotonic() + 120
    while job.scoring_pending and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not job.scoring_pending
    metrics = store.get(job.run_id).metrics
    assert metrics["test_loss"] is not None
    assert all(metrics[name] is None for name in SCORECARD)
