"""`OpenedModel`: a trained model opened to explore, from the run store or a file.

It is what a stored run or an uploaded `.keras` file becomes in a session: the model, the data
to explore it on and what is known of its training. Unlike `aelib.TrainingJob` it never trains;
it only says where it came from, so that nobody mistakes it for a training that just ran.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aelib.model.autoencoder import Autoencoder
    from aelib.runs.store import RunStore
    from aelib.data.datasets import Dataset


def _no_analysis() -> Future:
    done: Future = Future()
    done.set_result({})
    return done


@dataclass(frozen=True)
class OpenedModel:
    """A trained model opened to explore.

    Args:
        ae: the model.
        data: the images to explore it on.
        origin: where it came from, in words, e.g. "run 8" or "the file 'mine.keras'".
        history: per-epoch values of its training, when known ({} for a file).
        run_id: its run in the store, or None.
        analysis: background analyses made for it: none, so always an empty, finished Future
            (the same attribute a `TrainingJob` has).

    Raises:
        ValueError: `ae` reads images of another shape than `data`'s (a model and the data it
            is shown on always agree).

    Example:
        >>> model = OpenedModel(loaded.ae, data, "run 8", loaded.history,  # doctest: +SKIP
        ...                     run_id=8)
        >>> model.describe()                                                        # doctest: +SKIP
        'run 8: trained 12 epochs'
    """

    ae: Autoencoder
    data: Dataset
    origin: str
    history: dict = field(default_factory=dict)
    run_id: int | None = None
    analysis: Future = field(default_factory=_no_analysis, compare=False)

    opened = True  # see `aelib.jobs.in_hand.ModelInHand`
    in_progress = False  # it never trains
    active = False

    def __post_init__(self):
        from aelib.data.datasets import DATASETS, offline_image_shapes
        from aelib.images import shape_in_words

        if tuple(self.ae.image_shape) == self.data.image_shape:
            return
        fitting = [DATASETS[name] for name, shape in offline_image_shapes().items()
                   if shape == tuple(self.ae.image_shape)]
        hint = f" ({' or '.join(fitting)} would do)" if fitting else ""
        raise ValueError(
            f"{self.origin.capitalize()} holds a model of {shape_in_words(self.ae.image_shape)} "
            f"images, but the dataset in use ({self.data.source}) holds "
            f"{shape_in_words(self.data.image_shape)} images. Choose a dataset of "
            f"{shape_in_words(self.ae.image_shape)} images on Home{hint}, then open it again.")

    def stop(self) -> None:
        """Nothing to stop: an opened model never trains."""

    def training_images(self, store: RunStore) -> tuple[Dataset, int | None]:
        """The images its run trained on and their seed (`RunRecord.training_images`); for a
        file, or a run no longer in `store`, all of `data` and None."""
        record = self._record(store)
        if record is None:
            return self.data, None
        return record.training_images(self.data), record.seed

    def final_metrics(self, store: RunStore) -> dict | None:
        """The metrics kept with its run in `store`, or None (a file, or a run deleted)."""
        record = self._record(store)
        return None if record is None else record.metrics

    def _record(self, store):
        if self.run_id is None:
            return None
        try:
            return store.get(self.run_id)
        except ValueError:  # deleted meanwhile
            return None

    @property
    def epochs(self) -> int:
        """Epochs it was trained for, as far as its history tells (0 when unknown)."""
        return len(self.history.get("loss", []))

    def describe(self) -> str:
        """What this model is, in a few words: where it came from and how long it trained."""
        from aelib.training.progress import epochs_text

        trained = f"trained {epochs_text(self.epochs)}" if self.epochs else \
            "training history unknown"
        return f"{self.origin}: {trained}"
