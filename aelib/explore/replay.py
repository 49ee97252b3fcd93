"""Watch the codes form: a 2-d projection of the same test codes after every epoch.

A `CodeReplay` keeps a fixed, seeded set of `REPLAY_CODES` test images. After each epoch,
`record` encodes them, projects their codes with PCA fitted on that epoch's codes, and rotates
(or reflects) the projection onto the previous epoch's (orthogonal Procrustes,
`aelib.explore.projections.align`). PCA fitted once, on the first epoch, would show later codes
through directions the model has long stopped using; fitted each epoch and aligned, every frame
is its epoch's best linear view and points move only as much as their codes do. No scaling: a
spread that grows or collapses shows.

The frames live in the run's history, under `REPLAY_KEY`, as plain JSON (positions rounded to
`DECIMALS` places), so the run store keeps them with the losses and an opened run replays:

    history["code_replay"] = {"method": "pca, aligned", "indices": [...],  # into x_test
                              "epochs": [1, 2, ...],          # the epoch each frame is after
                              "frames": [[xs, ys], ...]}                   # one per epoch
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from aelib.explore.projections import align, pca_positions

if TYPE_CHECKING:
    from aelib.model.autoencoder import Autoencoder

REPLAY_KEY = "code_replay"
REPLAY_CODES = 500
REPLAY_SEED = 0  # the same images for every run on the same test set
DECIMALS = 4
METHOD = "pca, aligned"


def replay_indices(num_test: int, count: int = REPLAY_CODES, seed: int = REPLAY_SEED
                   ) -> np.ndarray:
    """The test images a replay follows: `count` of `num_test` (all when fewer), a seeded
    choice, ascending."""
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(num_test, size=min(count, num_test), replace=False))


class CodeReplay:
    """Records one frame of the replay per epoch.

    Args:
        test_images: the dataset's test images; `replay_indices` picks those followed.
        history: the history the training continues, whose replay goes on (its last frame is
            the one the next is aligned to); None for a fresh training.
        count: test images followed.

    Example:
        >>> replay = CodeReplay(data.x_test)                # doctest: +SKIP
        >>> history[REPLAY_KEY] = replay.record(ae, epoch)  # after each epoch  # doctest: +SKIP
    """

    def __init__(self, test_images: np.ndarray, history: dict | None = None,
                 count: int = REPLAY_CODES):
        earlier = (history or {}).get(REPLAY_KEY)
        self.indices = replay_indices(len(test_images), count)
        same = bool(earlier) and list(earlier["indices"]) == self.indices.tolist()
        # A fresh training, or one on other test images, starts a replay of its own.
        self._frames = list(earlier["frames"]) if same else []
        self._epochs = list(earlier["epochs"]) if same else []
        self.images = np.asarray(test_images)[self.indices]

    def record(self, ae: Autoencoder, epoch: int) -> dict:
        """Encode the followed images with `ae` as it is now and add their frame, the one
        after `epoch` (counted from 1).

        Returns:
            The replay so far, a new JSON-able dict (`REPLAY_KEY`'s value in a history).
        """
        codes = ae.encode(self.images)
        if not np.isfinite(codes).all():  # a diverged epoch: no frame (training says why)
            return self._replay()
        positions = pca_positions(codes)
        if self._frames:
            positions = align(positions, np.asarray(self._frames[-1], np.float32).T)
        rounded = np.round(positions.astype(np.float64), DECIMALS).T.tolist()  # [xs, ys]
        self._frames = [*self._frames, rounded]
        self._epochs = [*self._epochs, int(epoch)]
        return self._replay()

    def _replay(self) -> dict:
        return {"method": METHOD, "indices": self.indices.tolist(), "epochs": self._epochs,
                "frames": self._frames}


@dataclass(frozen=True)
class ReplayFrames:
    """A replay read back from a history.

    Args:
        positions: (frames, n, 2): one frame per epoch recorded.
        epochs: (frames,) the epoch each frame is after, counted from 1.
        indices: (n,) the test images followed.
        method: how the frames were projected, in words.
    """

    positions: np.ndarray
    epochs: np.ndarray
    indices: np.ndarray
    method: str


def replay_frames(history: dict) -> ReplayFrames | None:
    """The replay kept in `history`, or None when it has none (a run from before replays, or
    a model opened from a file)."""
    replay = (history or {}).get(REPLAY_KEY)
    if not replay or not replay.get("frames"):
        return None
    positions = np.asarray(replay["frames"], np.float32).transpose(0, 2, 1)
    return ReplayFrames(positions, np.asarray(replay["epochs"], np.int64),
                        np.asarray(replay["indices"], np.int64), replay["method"])
