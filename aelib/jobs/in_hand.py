"""`ModelInHand`: what a page may ask of the model a person has in hand, whether it trains in
this process (`aelib.TrainingJob`) or was opened from a run or a file (`aelib.OpenedModel`).

Both have the same attributes and methods, so a page never asks which one it holds.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from aelib.data.datasets import Dataset
    from aelib.model.autoencoder import Autoencoder
    from aelib.runs.store import RunStore


class ModelInHand(Protocol):
    """A model to explore, and what is known of its training.

    Attributes:
        ae: the model.
        data: the images it is explored on (and, for a training here, trained on).
        analysis: background analyses made for it (a `Future` of a dict, maybe empty).
    """

    ae: Autoencoder
    data: Dataset
    analysis: Future

    @property
    def history(self) -> dict:
        """Per-epoch values of its training so far ({} when unknown)."""

    @property
    def run_id(self) -> int | None:
        """Its run in the store, or None (not saved yet, or a file)."""

    @property
    def opened(self) -> bool:
        """Whether it was opened from a run or a file, rather than trained in this session."""

    @property
    def in_progress(self) -> bool:
        """Whether it is still waiting or training: not yet a model to explore."""

    @property
    def active(self) -> bool:
        """Whether work for it is still under way here (training, or saving its run and the
        comparison with PCA after it)."""

    def describe(self) -> str:
        """What it is, in a few words."""

    def stop(self) -> None:
        """End its training after the current step; nothing for a model that does not train."""

    def training_images(self, store: RunStore) -> tuple[Dataset, int | None]:
        """The images it trained on and the seed of their order (None when unknown), looked
        up in `store` (a `RunStore`) where need be."""

    def final_metrics(self, store: RunStore) -> dict | None:
        """The metrics kept with its run (`aelib.explore.analysis.run_metrics`), or None while
        they are computed or without a run."""
