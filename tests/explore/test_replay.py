"""`aelib.explore.replay`: one frame per epoch, aligned, in the history, through the run store."""

import numpy as np

import aelib
from aelib.explore.replay import REPLAY_KEY, CodeReplay, replay_frames, replay_indices


class FixedCodes:
    """An `ae` whose codes are given: encode returns the next array of `codes`."""

    def __init__(self, *codes):
        self.codes = list(codes)

    def encode(self, images):
        return self.codes.pop(0)[:len(images)]


def test_the_followed_images_are_a_seeded_choice_of_500():
    indices = replay_indices(2000)
    assert len(indices) == 500 and (np.diff(indices) > 0).all()
    np.testing.assert_array_equal(indices, replay_indices(2000))
    np.testing.assert_array_equal(replay_indices(30), np.arange(30))


def test_each_epoch_adds_a_frame_aligned_to_the_one_before():
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(40, 5)) * [4, 2, 1, 0.5, 0.1]
    replay = CodeReplay(np.zeros((40, 2, 2, 1)), count=40)
    replay.record(FixedCodes(codes), epoch=1)
    # The same codes with the sign of every unit flipped: PCA's axes flip, the frame must not.
    stored = replay.record(FixedCodes(-codes), epoch=2)
    assert stored["epochs"] == [1, 2] and len(stored["frames"]) == 2
    frames = replay_frames({REPLAY_KEY: stored})
    assert frames.positions.shape == (2, 40, 2) and frames.method == "pca, aligned"
    np.testing.assert_allclose(frames.positions[1], frames.positions[0], atol=1e-3)


def test_a_diverged_epoch_adds_no_frame():
    replay = CodeReplay(np.zeros((10, 2, 2, 1)), count=10)
    replay.record(FixedCodes(np.ones((10, 3)) * np.arange(10)[:, None]), epoch=1)
    stored = replay.record(FixedCodes(np.full((10, 3), np.nan)), epoch=2)
    assert stored["epochs"] == [1]


def test_a_history_without_a_replay_has_no_frames():
    assert replay_frames({"loss": [0.3]}) is None and replay_frames({}) is None


def test_a_job_keeps_one_frame_per_epoch_and_an_opened_run_replays_it(tmp_path, small_data):
    store = aelib.RunStore(tmp_path)
    job = aelib.TrainingJob(aelib.build("dense", encoding_dim=8, seed=0), small_data,
                            {"epochs": 3, "batch_size": 64}, small_data.x_test[:2], store=store)
    snapshot = job.start().wait(120)
    frames = replay_frames(snapshot.history)
    assert frames.positions.shape == (3, len(small_data.x_test), 2)  # 128 test images: all
    assert frames.epochs.tolist() == [1, 2, 3]
    # The last frame is the trained model's codes, projected.
    last = np.asarray(job.replay.record(job.ae, epoch=4)["frames"][-1]).T
    np.testing.assert_allclose(last, frames.positions[-1], atol=1e-3)

    opened = replay_frames(store.load(snapshot.run_id).history)
    np.testing.assert_allclose(opened.positions, frames.positions)
    np.testing.assert_array_equal(opened.indices, frames.indices)

    more = aelib.TrainingJob(job.ae, small_data, {"epochs": 1, "batch_size": 64},
                             small_data.x_test[:2], history=snapshot.history).start().wait(120)
    assert replay_frames(more.history).epochs.tolist() == [1, 2, 3, 4]
