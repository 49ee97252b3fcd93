"""Training progress: the events `aelib.train` reports, in order and throttled, and their words."""

import aelib
from aelib.training.progress import (BatchProgress, EpochEnded, EpochStarted, TrainingFinished,
                                     epochs_text)


def test_epochs_are_counted_in_words():
    assert [epochs_text(n) for n in (0, 1, 12)] == ["0 epochs", "1 epoch", "12 epochs"]


def test_progress_events_arrive_in_order(small_data, monkeypatch):
    monkeypatch.setattr("aelib.training.progress.BATCH_EVENT_INTERVAL_S", 0.0)
    events = []
    aelib.train(aelib.build("dense"), small_data, epochs=2, batch_size=64,
                on_progress=events.append, steps_per_execution=1)
    kinds = [type(e) for e in events]
    assert kinds[0] is EpochStarted and kinds[-1] is TrainingFinished
    assert kinds.count(EpochStarted) == kinds.count(EpochEnded) == 2
    batches = [e for e in events if isinstance(e, BatchProgress)]
    assert [b.batch for b in batches if b.epoch == 1] == list(range(1, 8))  # 512/64 = 8 steps
    assert all(b.batches == 8 for b in batches)
    assert 0 < batches[0].fraction < batches[-1].fraction < 1
    assert batches[-1].eta_seconds >= 0
    ended = [e for e in events if isinstance(e, EpochEnded)]
    assert set(ended[0].logs) == {"loss", "val_loss"} and ended[0].seconds > 0
    assert events[-1].epochs_done == 2 and events[-1].stop_reason is None



def test_batch_events_are_throttled(small_data):
    events = []
    aelib.train(aelib.build("dense"), small_data, epochs=3, batch_size=16,
                on_progress=events.append)
    batch_events = [e for e in events if isinstance(e, BatchProgress)]
    seconds = events[-1].seconds
    assert len(batch_events) <= seconds / aelib.training.progress.BATCH_EVENT_INTERVAL_S + 3
    assert len(batch_events) < 3 * 32  # far fewer than the 96 batches
