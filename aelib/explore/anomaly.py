"""Anomaly detection, the practical use the tutorial mentions: train an autoencoder on normal
images only, then score every image by how badly it is reconstructed.

`normal_only` drops the anomalous classes from the training images (the test images stay whole);
`anomaly_report` scores the test images and measures how well the score separates the held-out
classes: the ROC curve, its area (AUC, 0.5 is chance) and the most anomalous images.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from aelib.explore.analysis import reconstruction_errors
from aelib.data.datasets import Dataset

if TYPE_CHECKING:
    from aelib.model.autoencoder import Autoencoder


@dataclass(frozen=True)
class AnomalyReport:
    """How well reconstruction error finds the held-out classes among the test images.

    Args:
        scores: per test image, its reconstruction error in the model's loss (higher: more
            anomalous).
        is_anomaly: per test image, whether its label is one of the held-out classes.
        false_positive_rate, true_positive_rate: the ROC curve, one point per threshold.
        auc: area under that curve: 1 when every anomaly scores above every normal image.
        ranking: test-image indices, most anomalous first.
        loss: the loss the scores are measured in, the model's `loss` (a key of
            `aelib.architectures.LOSS_LABELS`): pass it on to `figures.error_histogram`.
    """

    scores: np.ndarray
    is_anomaly: np.ndarray
    false_positive_rate: np.ndarray
    true_positive_rate: np.ndarray
    auc: float
    ranking: np.ndarray
    loss: str


def _check_labels(labels: np.ndarray | None, anomalous) -> list[int]:
    if labels is None:
        raise ValueError("Anomaly detection here needs labelled images, to know which classes "
                         "to hold out; this dataset has none.")
    anomalous = sorted({int(label) for label in anomalous})
    present = set(np.unique(labels).tolist())
    if not anomalous or not set(anomalous) <= present or set(anomalous) == present:
        raise ValueError(f"Choose one or more classes to hold out as anomalies, and leave some "
                         f"normal ones: the labels are {sorted(present)}; got {anomalous}.")
    return anomalous


def normal_only(data: Dataset, anomalous: Iterable[int]) -> Dataset:
    """`data` with the training images of the `anomalous` classes removed.

    Raises:
        ValueError: no labels, or a choice of classes that leaves nothing normal or nothing out.
    """
    anomalous = _check_labels(data.y_train, anomalous)
    keep = ~np.isin(data.y_train, anomalous)
    factors = None if data.factors_train is None else data.factors_train[keep]
    return replace(data, source=f"{data.source}, without classes "
                   f"{', '.join(map(str, anomalous))} in training",
                   x_train=data.x_train[keep], y_train=data.y_train[keep], factors_train=factors)


def anomaly_report(ae: Autoencoder, data: Dataset, anomalous: Iterable[int]) -> AnomalyReport:
    """Score `data`'s test images with `ae` (trained on `normal_only(data, anomalous)`; that
    dataset itself will do, its test images are whole).

    Raises:
        ValueError: as `normal_only` (for the test labels), or a test set holding only one kind
            of image.
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    is_anomaly = np.isin(data.y_test, _check_labels(data.y_test, anomalous))
    if is_anomaly.all() or not is_anomaly.any():
        raise ValueError("The test images must hold both anomalies and normal images.")
    scores = reconstruction_errors(data.x_test, ae.reconstruct(data.x_test), ae.loss)
    false_positive_rate, true_positive_rate, _ = roc_curve(is_anomaly, scores)
    return AnomalyReport(scores, is_anomaly, false_positive_rate, true_positive_rate,
                         float(roc_auc_score(is_anomaly, scores)), np.argsort(-scores),
                         ae.loss)
