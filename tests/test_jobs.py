import aelib
from aelib.progress import BatchProgress


def test_job_trains_in_the_background_and_reports_each_epoch(small_data):
    job = aelib.TrainingJob(aelib.build("dense", seed=0), small_data,
                            {"epochs": 2, "batch_size": 64}, small_data.x_test[:10]).start()
    snapshot = job.wait(120)
    assert snapshot.status == "finished" and snapshot.done and snapshot.message is None
    assert snapshot.fraction == 1.0 and snapshot.epoch == 2 and snapshot.epochs == 2
    assert len(snapshot.history["loss"]) == len(snapshot.history["val_loss"]) == 2
    assert snapshot.preview.shape == (10, 28, 28) and snapshot.preview_epoch == 2
    assert (snapshot.preview == job.ae.reconstruct(small_data.x_test[:10])).all()
    assert snapshot.seconds == job.snapshot().seconds  # the clock stops when the job ends


def test_stopping_a_job_keeps_its_history_and_says_why(small_data, monkeypatch):
    monkeypatch.setattr("aelib.progress.BATCH_EVENT_INTERVAL_S", 0.0)
    job = aelib.TrainingJob(aelib.build("dense", seed=0), small_data,
                            {"epochs": 50, "batch_size": 16}, small_data.x_test[:2])
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


def test_a_failing_job_says_what_went_wrong(small_data):
    job = aelib.TrainingJob(aelib.build("dense"), small_data, {"epochs": 0}, small_data.x_test[:2])
    snapshot = job.start().wait(60)
    assert snapshot.status == "failed"
    assert snapshot.message.startswith("Training failed: epochs=0 is not allowed")
