"""The classic tutorial's experiments and the numbers it reported, for reproducing them.

"Building Autoencoders in Keras" (F. Chollet, 2016) trained four image models on MNIST's 60,000
training images and reported their losses (mean per-pixel binary cross-entropy) and, for the
sparse model, the mean code activation. `tutorial_jobs` sets the same models up at a budget of
your choice, to run through `aelib.JobQueue`, and `comparison_rows` puts what they got next to
what the tutorial reported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aelib.architectures import REGISTRY, TrainingPreset, count_in_words
from aelib.model.autoencoder import build
from aelib.data.datasets import Dataset
from aelib.jobs.job import TrainingJob

if TYPE_CHECKING:
    from aelib.jobs.job import JobSnapshot
    from aelib.jobs.slots import TrainingSlots
    from aelib.runs.store import RunStore


@dataclass(frozen=True)
class TutorialRun:
    """One of the tutorial's experiments: the model and what it reported (its settings are the
    architecture's `tutorial_training`)."""

    architecture: str
    reported_loss: str
    reported_code_mean: float | None = None

    @property
    def budget(self) -> TrainingPreset:
        """The tutorial's training settings for this model."""
        return REGISTRY[self.architecture].tutorial_training


TUTORIAL_RUNS = (
    TutorialRun("dense", "0.11 (train and test) after 50 epochs", 7.30),
    TutorialRun("sparse", "0.11 train / 0.10 test after 100 epochs", 3.33),
    TutorialRun("deep", "about 0.097 after 100 epochs"),
    TutorialRun("conv", "0.094 after 50 epochs"),
)


def runs_in_words() -> str:
    """The tutorial's experiments and their epochs, for a sentence about reproducing them.

    Returns:
        How many models and each one's epochs, from `TUTORIAL_RUNS` and the registry.

    Example:
        >>> runs_in_words()
        'four image models (dense 50 epochs, sparse 100, deep 100, conv 50)'
    """
    budgets = [f"{run.architecture} {run.budget.epochs}" for run in TUTORIAL_RUNS]
    budgets[0] += " epochs"
    return f"{count_in_words(len(TUTORIAL_RUNS))} image models ({', '.join(budgets)})"


def code_means_in_words() -> str:
    """The mean code activations the tutorial reported, for a sentence.

    Returns:
        Each reported mean with its model and epochs, from `TUTORIAL_RUNS` and the registry.

    Example:
        >>> code_means_in_words()
        '7.30 for its dense model after 50 epochs, 3.33 for its sparse model after 100 epochs'
    """
    return ", ".join(f"{run.reported_code_mean:.2f} for its {run.architecture} model after "
                     f"{run.budget.epochs} epochs" for run in TUTORIAL_RUNS
                     if run.reported_code_mean is not None)


def tutorial_jobs(data: Dataset, epochs: int | None = None, train_size: int | None = None,
                  seed: int = 0, store: RunStore | None = None,
                  slots: TrainingSlots | None = None,
                  make_job: Callable[..., TrainingJob] = TrainingJob) -> list[TrainingJob]:
    """Jobs for the tutorial's four image experiments, not yet started.

    Args:
        data: the images (the tutorial used all of MNIST).
        epochs: epochs for every model; None for the tutorial's own (50 or 100).
        train_size: training images to use; None for all of `data.x_train`.
        seed: seed of weights and batch order.
        store: a `RunStore` to record the runs in, or None.
        slots: a `TrainingSlots` limit each job waits for, or None.
        make_job: what makes each job, with `TrainingJob`'s arguments (the app passes
            `aelib.sweeps.training_job`, which may send it to a Ray cluster).
    """
    subset = data.subset(train_size, None, seed=seed)
    return [
        make_job(build(run.architecture, seed=seed), subset,
                 {**run.budget.settings(seed), "epochs": epochs or run.budget.epochs},
                 subset.x_test[:10], store=store, slots=slots)
        for run in TUTORIAL_RUNS
    ]


def comparison_rows(snapshots: Sequence[JobSnapshot]) -> list[dict]:
    """What the tutorial reported next to what its experiments got here, one row per model.

    Args:
        snapshots: the `JobSnapshot`s of `tutorial_jobs`'s jobs, in `TUTORIAL_RUNS` order.

    Returns:
        Rows with the model, epochs, status, the tutorial's loss, our final training and test
        losses, the tutorial's and our mean code activation, and seconds (None until known:
        a run's metrics arrive a moment after it is done, see `JobSnapshot.metrics`).
    """
    rows = []
    for run, snapshot in zip(TUTORIAL_RUNS, snapshots):
        metrics = snapshot.metrics or {}
        rows.append({
            "model": run.architecture, "epochs": snapshot.epochs, "status": snapshot.status,
            "tutorial reported": run.reported_loss,
            "our train loss": (snapshot.history.get("loss") or [None])[-1],
            "our test loss": metrics.get("test_loss"),
            "tutorial code mean": run.reported_code_mean,
            "our code mean": metrics.get("code_mean"),
            "seconds": round(snapshot.seconds, 1) if snapshot.done else None,
        })
    return rows
