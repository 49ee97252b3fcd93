"""Disentanglement scores of a code against the factors that made its images, as the papers do.

Each function follows google-research/disentanglement_lib (`evaluation/metrics/`), the code of
Locatello et al. 2019, "Challenging Common Assumptions in the Unsupervised Learning of
Disentangled Representations": the representation is the encoder's **mean** (`ae.encode`),
codes are discretised with a 20-bin histogram per dimension (`discretise`), mutual information
is scikit-learn's `mutual_info_score`, and train/test splits are the first 80% / the last 20%
of the points (the lib's `split_train_test`).

`codes` is an (n, d) array. `factors` is an (n, K) array of factor values, or the record array
of a shapes dataset (`Dataset.factors_train`, see `aelib.data.shapes.FACTORS`). A factor is
*discrete* when its values are whole numbers (shape, colour, or the integer grids of dSprites)
and is then used as it is; otherwise (size, x, y) it is *continuous* and is discretised into 20
bins wherever a metric needs classes, as disentanglement_lib does with its codes.

The interventional scores (`factor_vae_score`, `beta_vae_score`, from
`aelib.explore.interventions`) redraw images with one factor fixed through
`aelib.data.shapes.draw`; `scorecard` gives every score of a model at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from aelib.explore.interventions import (INTERVENTION_BATCH, INTERVENTION_EVAL,
                                         INTERVENTION_TRAIN, Interventions, beta_vae_score,
                                         factor_vae_score)
from aelib.explore.metrics import METRICS, SCORECARD

if TYPE_CHECKING:
    from aelib.data.datasets import Dataset
    from aelib.model.autoencoder import Autoencoder

NUM_BINS = 20  # disentanglement_lib's histogram_discretizer.num_bins
TRAIN_FRACTION = 0.8
SCORECARD_CODES = 5000
DCI_TREES = 10  # DCI's extremely randomised trees; each weighs every code dimension at every split
DCI_MAX_DEPTH = 8


@dataclass(frozen=True)
class FactorTable:
    """Factors as the metrics use them.

    Args:
        names: one per factor ("shape", ..., or "factor 0", ... for a plain array).
        values: (n, K) float64, the factor values as given.
        classes: (n, K) int64: discrete factors' values as class indices, continuous ones
            discretised into `NUM_BINS` bins.
        continuous: per factor, whether it is continuous.
    """

    names: tuple[str, ...]
    values: np.ndarray
    classes: np.ndarray
    continuous: tuple[bool, ...]


def factor_table(factors: np.ndarray, n: int | None = None) -> FactorTable:
    """Read factors as an (n, K) array or a record array (one field per factor).

    Args:
        factors: the factor values.
        n: the number of codes they must match; None to accept any.

    Returns:
        A `FactorTable`.

    Raises:
        ValueError: not one row per code, no factor, or values that are not finite numbers.
    """
    array = np.asarray(factors)
    if array.dtype.names:
        names = tuple(array.dtype.names)
        values = np.stack([np.asarray(array[name], np.float64) for name in names], axis=1)
    else:
        if array.ndim != 2:
            raise ValueError(f"Factors must be an (n, K) array or a record array; got an array "
                             f"shaped {array.shape}.")
        values = array.astype(np.float64)
        names = tuple(f"factor {j}" for j in range(values.shape[1]))
    if not values.shape[1] or (n is not None and len(values) != n):
        raise ValueError(f"Expected one row of at least one factor per code ({n} codes); got "
                         f"factors shaped {values.shape}.")
    if not np.isfinite(values).all():
        raise ValueError("Some factor values are not finite numbers (NaN or infinite).")
    continuous = tuple(bool(np.any(column != np.round(column))) for column in values.T)
    classes = np.stack([discretise(column) if cont else np.unique(column, return_inverse=True)[1]
                        for column, cont in zip(values.T, continuous)], axis=1)
    return FactorTable(names, values, classes.astype(np.int64), continuous)


def discretise(values: np.ndarray, num_bins: int = NUM_BINS) -> np.ndarray:
    """Histogram discretisation (disentanglement_lib's `_histogram_discretize`): each column into
    `num_bins` equal-width bins between its minimum and maximum.

    Args:
        values: (n,) or (n, d).
        num_bins: bins per column.

    Returns:
        Bin indices, int64, shaped as `values`.
    """
    values = np.asarray(values, np.float64)
    columns = values.reshape(len(values), -1)
    bins = np.stack([np.digitize(column, np.histogram(column, num_bins)[1][:-1])
                     for column in columns.T], axis=1)
    return bins.reshape(values.shape).astype(np.int64)


def _codes(codes, n_min: int = 2) -> np.ndarray:
    codes = np.asarray(codes, np.float64)
    if codes.ndim != 2 or len(codes) < n_min or not codes.shape[1]:
        raise ValueError(f"Codes must be an (n, d) array of at least {n_min} codes; got an array "
                         f"shaped {codes.shape}.")
    if not np.isfinite(codes).all():
        raise ValueError("Some codes are not finite (NaN or infinite): the model diverged.")
    return codes


def _split(n: int) -> int:
    """The lib's `split_train_test`: the first ceil(80%) points train, the rest test."""
    return int(np.ceil(n * TRAIN_FRACTION))


def mutual_information(codes: np.ndarray, factors: np.ndarray, *,
                       normalised: bool = False) -> np.ndarray:
    """Mutual information (nats) between every code dimension, discretised into 20 bins, and
    every factor (disentanglement_lib's `discrete_mutual_info`).

    Args:
        codes: (n, d).
        factors: (n, K) or records, see the module docstring.
        normalised: divide each factor's column by its entropy, so that 1 means the dimension
            determines the factor (the normalisation MIG uses).

    Returns:
        (d, K) float64.

    Raises:
        ValueError: codes or factors that are not arrays of one row per image.
    """
    codes = _codes(codes)
    table = factor_table(factors, len(codes))
    binned = discretise(codes)
    matrix = np.stack([_mutual_information(binned, factor) for factor in table.classes.T],
                      axis=1)
    if normalised:
        matrix = matrix / np.maximum(_entropies(table.classes), 1e-12)
    return matrix


def _mutual_information(columns: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """The mutual information (nats) of each column of `columns` (n, d) with `classes` (n,),
    all small non-negative ints: scikit-learn's `mutual_info_score` (the tests hold them
    equal), for all columns from one count, as that scores one pair at a time in ~10 ms."""
    n, d = columns.shape
    classes = np.unique(classes, return_inverse=True)[1].reshape(-1)
    num_classes, num_values = classes.max() + 1, columns.max() + 1
    cells = (np.arange(d) * num_classes + classes[:, None]) * num_values + columns  # (n, d)
    joint = np.bincount(cells.ravel(), minlength=d * num_classes * num_values)
    joint = joint.reshape(d, num_classes, num_values) / n
    outer = joint.sum(axis=2, keepdims=True) * joint.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(joint > 0, joint * np.log(joint / outer), 0.0)
    return np.maximum(terms.sum(axis=(1, 2)), 0.0)


def _entropies(classes: np.ndarray) -> np.ndarray:
    """Each column's entropy (nats), its mutual information with itself."""
    return np.array([_mutual_information(column[:, None], column)[0] for column in classes.T])


def mig(codes: np.ndarray, factors: np.ndarray) -> float:
    """Mutual Information Gap (Chen et al. 2018, "Isolating Sources of Disentanglement in
    Variational Autoencoders"; disentanglement_lib `mig.py`).

    For each factor v_k: (I(z_a; v_k) - I(z_b; v_k)) / H(v_k), where z_a and z_b are the two
    code dimensions with the most mutual information with it; the mean over factors. 1 when
    each factor lives in one dimension alone, 0 when it is spread over two or more equally.

    Args:
        codes: (n, d), d >= 2.
        factors: (n, K) or records.

    Returns:
        MIG in [0, 1].

    Raises:
        ValueError: a code of fewer than 2 dimensions, or codes and factors that do not match.
    """
    matrix = mutual_information(codes, factors, normalised=True)
    if len(matrix) < 2:
        raise ValueError("MIG compares the two most informative code dimensions: it needs codes "
                         "of at least 2 dimensions.")
    top = np.sort(matrix, axis=0)[::-1]
    return float(np.mean(top[0] - top[1]))


def sap(codes: np.ndarray, factors: np.ndarray, *, continuous: bool | None = None) -> float:
    """Separated Attribute Predictability (Kumar et al. 2018, "Variational Inference of
    Disentangled Latent Concepts from Unlabeled Observations"; disentanglement_lib
    `sap_score.py`).

    A score for every (code dimension, factor): for a continuous factor the R^2 of a linear
    regression of the factor on that dimension alone (its squared correlation); for a discrete
    one the test accuracy of a linear SVM (C=0.01, balanced classes) on that dimension alone.
    SAP is the mean over factors of the gap between the best and the second-best dimension.

    Args:
        codes: (n, d), d >= 2.
        factors: (n, K) or records.
        continuous: True or False to treat every factor so (the lib's `continuous_factors`);
            None to decide per factor (see the module docstring).

    Returns:
        SAP in [0, 1].

    Raises:
        ValueError: fewer than 2 code dimensions, or codes and factors that do not match.
    """
    from sklearn.svm import LinearSVC

    codes = _codes(codes, n_min=5)
    table = factor_table(factors, len(codes))
    if codes.shape[1] < 2:
        raise ValueError("SAP compares the two most predictive code dimensions: it needs codes "
                         "of at least 2 dimensions.")
    cut = _split(len(codes))
    scores = np.zeros((codes.shape[1], len(table.names)))
    for j, factor_continuous in enumerate(table.continuous):
        for i in range(codes.shape[1]):
            code = codes[:, i]
            if factor_continuous if continuous is None else continuous:
                scores[i, j] = _squared_correlation(code, table.values[:, j])
            elif code[:cut].std() > 1e-12 and len(np.unique(table.classes[:cut, j])) > 1:
                svm = LinearSVC(C=0.01, class_weight="balanced")
                svm.fit(code[:cut, None], table.classes[:cut, j])
                scores[i, j] = np.mean(svm.predict(code[cut:, None]) == table.classes[cut:, j])
    top = np.sort(scores, axis=0)[::-1]
    return float(np.mean(top[0] - top[1]))


def _squared_correlation(code: np.ndarray, factor: np.ndarray) -> float:
    cov = np.cov(code, factor, ddof=1)
    return 0.0 if cov[0, 0] <= 1e-12 or cov[1, 1] <= 1e-12 else cov[0, 1] ** 2 / (cov[0, 0]
                                                                                  * cov[1, 1])


def dci_importances(codes: np.ndarray, factors: np.ndarray, *,
                    seed: int = 0) -> tuple[np.ndarray, float]:
    """The importance of every code dimension for predicting every factor, and how well it is
    predicted: DCI's first step (Eastwood and Williams 2018), with a faster estimator.

    disentanglement_lib fits scikit-learn's `GradientBoostingClassifier` (100 boosting stages,
    one tree per class per stage: minutes for 64 dimensions) per factor; here an
    `ExtraTreesClassifier` (extremely randomised trees) of `DCI_TREES` trees of depth at most
    `DCI_MAX_DEPTH`, trained on the first 80% of the points. Every split weighs every code
    dimension (`max_features=None`), so a dimension that alone predicts a factor takes all its
    importance, as with boosting (a forest that samples dimensions per split spreads importance
    over noise). Tree ensembles are among the estimators Zaidi et al. 2020 ("Measuring
    Disentanglement: A Review of Metrics") review for DCI. Importances are the ensemble's mean
    impurity decrease, `feature_importances_`; on disentanglement_lib's own test cases this
    gives the lib's expected values.

    Args:
        codes: (n, d).
        factors: (n, K) or records; continuous factors are predicted as their 20 bins.
        seed: seed of the trees.

    Returns:
        (importance matrix (d, K), each column summing to 1 or 0; mean test accuracy over the
        factors).

    Raises:
        ValueError: codes and factors that do not match.
    """
    from sklearn.ensemble import ExtraTreesClassifier

    codes = _codes(codes, n_min=5)
    table = factor_table(factors, len(codes))
    cut = _split(len(codes))
    importances = np.zeros((codes.shape[1], len(table.names)))
    accuracies = []
    for j in range(len(table.names)):
        forest = ExtraTreesClassifier(n_estimators=DCI_TREES, max_depth=DCI_MAX_DEPTH,
                                      max_features=None, random_state=seed)
        forest.fit(codes[:cut], table.classes[:cut, j])
        importances[:, j] = np.abs(forest.feature_importances_)
        accuracies.append(np.mean(forest.predict(codes[cut:]) == table.classes[cut:, j]))
    return importances, float(np.mean(accuracies))


def dci(codes: np.ndarray, factors: np.ndarray, *, seed: int = 0) -> dict[str, float]:
    """Disentanglement, completeness and informativeness (Eastwood and Williams 2018, "A
    Framework for the Quantitative Evaluation of Disentangled Representations";
    disentanglement_lib `dci.py`), from the importances of `dci_importances`.

    With R the (d, K) importance matrix: a dimension's disentanglement is 1 minus the entropy
    (base K) of its row normalised, and D is their mean weighted by each row's share of all
    importance; a factor's completeness is 1 minus the entropy (base d) of its column, and C is
    their mean weighted likewise. I is the predictor's test accuracy, averaged over factors.

    Args:
        codes: (n, d).
        factors: (n, K) or records.
        seed: seed of the trees.

    Returns:
        {"disentanglement", "completeness", "informativeness"}, each in [0, 1].

    Raises:
        ValueError: codes and factors that do not match.
    """
    importances, accuracy = dci_importances(codes, factors, seed=seed)
    return {"disentanglement": _weighted_score(importances),
            "completeness": _weighted_score(importances.T),
            "informativeness": accuracy}


def _weighted_score(importances: np.ndarray) -> float:
    """1 - entropy of each row (base: the number of columns), weighted by the rows' importance:
    disentanglement of a (codes, factors) matrix, completeness of its transpose."""
    from scipy.stats import entropy

    if importances.shape[1] < 2:
        return 1.0 if importances.sum() > 0 else 0.0
    per_row = 1.0 - entropy(importances.T + 1e-11, base=importances.shape[1])
    weights = importances if importances.sum() > 0 else np.ones_like(importances)
    return float(np.sum(per_row * weights.sum(axis=1) / weights.sum()))


def modularity_explicitness(codes: np.ndarray, factors: np.ndarray) -> dict[str, float]:
    """Modularity and explicitness (Ridgeway and Mozer 2018, "Learning Deep Disentangled
    Embeddings with the F-Statistic Loss"; disentanglement_lib `modularity_explicitness.py`).

    Modularity: with m the (d, K) mutual information (`mutual_information`), each dimension
    scores 1 - (sum_k m_ik^2 - max_k m_ik^2) / (max_k m_ik^2 (K - 1)) (0 for a dimension with
    no information), averaged over dimensions: 1 when each dimension carries at most one
    factor. Explicitness: per factor, the macro ROC-AUC on the last 20% of the points of a
    logistic regression on the standardised codes trained on the first 80%, averaged.

    Args:
        codes: (n, d).
        factors: (n, K) or records; continuous factors are classified as their 20 bins.

    Returns:
        {"modularity", "explicitness"}, each in [0, 1].

    Raises:
        ValueError: codes and factors that do not match.
    """
    codes = _codes(codes)
    table = factor_table(factors, len(codes))
    return {"modularity": _modularity(mutual_information(codes, factors)),
            "explicitness": float(np.mean([_explicitness(codes, column)
                                           for column in table.classes.T]))}


def _modularity(information: np.ndarray) -> float:
    """Modularity from a (codes, factors) mutual-information matrix (the lib's `modularity`)."""
    squared = np.square(information)
    top = squared.max(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_code = 1.0 - (squared.sum(axis=1) - top) / (top * max(squared.shape[1] - 1, 1))
    per_code[top == 0] = 0.0
    return float(np.mean(per_code))


def _explicitness(codes: np.ndarray, classes: np.ndarray) -> float:
    """Macro ROC-AUC of a logistic regression, over the classes that the test part holds with
    some points outside them too."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    cut = _split(len(codes))
    spread = codes[:cut].std(axis=0)
    standard = (codes - codes[:cut].mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    if len(np.unique(classes[:cut])) < 2:
        return 0.5
    model = LogisticRegression(max_iter=200).fit(standard[:cut], classes[:cut])
    probabilities = model.predict_proba(standard[cut:])
    scores = [roc_auc_score(classes[cut:] == label, probabilities[:, column])
              for column, label in enumerate(model.classes_)
              if 0 < np.sum(classes[cut:] == label) < len(classes) - cut]
    return float(np.mean(scores)) if scores else 0.5


def gaussian_total_correlation(codes: np.ndarray) -> float:
    """Total correlation of a Gaussian fitted to the codes, in nats (disentanglement_lib
    `unsupervised_metrics.py`, from Locatello et al. 2019): the KL divergence between
    N(mean, Sigma) and the product of its marginals, 0.5 (sum log diag(Sigma) - log det Sigma).
    0 when the dimensions are uncorrelated; it needs no factors. Constant dimensions (dead
    units) are left out: their correlation with the others is undefined.

    Args:
        codes: (n, d).

    Returns:
        The total correlation, >= 0 (inf when a dimension is a linear function of others).

    Raises:
        ValueError: codes that are not an (n, d) array of finite numbers.
    """
    codes = _codes(codes)
    codes = codes[:, codes.std(axis=0) > 0]
    if codes.shape[1] < 2:
        return 0.0
    cov = np.cov(codes, rowvar=False)
    sign, log_det = np.linalg.slogdet(cov)
    return float(0.5 * (np.sum(np.log(np.diag(cov))) - log_det)) if sign > 0 else float("inf")


# The scores `scorecard` returns, in its order: label, and the paper that defined it.
SCORES = {name: (METRICS[name].label, METRICS[name].source) for name in SCORECARD}


def can_score(ae: Autoencoder, dataset: Dataset) -> bool:
    """Whether `scorecard` scores this model on this dataset: a dataset of coloured shapes (its
    factors known, and redrawable), a model of its images, and codes that are vectors."""
    from aelib.data import shapes

    factors = dataset.factors_train
    return (factors is not None and factors.dtype == shapes.FACTORS
            and tuple(ae.image_shape) == tuple(dataset.image_shape) and len(ae.code_shape) == 1)


def scorecard(ae: Autoencoder, dataset: Dataset, *, num_codes: int = SCORECARD_CODES,
              interventional: bool = True, seed: int = 0) -> dict:
    """Every score of `SCORES` for a model on a shapes dataset, and the settings used.

    The codes are the encoder means (`ae.encode`) of `num_codes` fresh images drawn from the
    dataset's factor distribution (`aelib.data.shapes.random_factors`, seeded), as
    disentanglement_lib samples its points from the ground-truth data rather than from a
    training split.

    Args:
        ae: a trained `aelib.Autoencoder` whose codes are vectors.
        dataset: a shapes dataset the model takes the images of.
        num_codes: images for the non-interventional scores.
        interventional: also the FactorVAE and β-VAE scores (tens of seconds: run it in the
            background); False leaves them None.
        seed: seed of the images and the estimators.

    Returns:
        {score name: float or None, ..., "settings": {what was used, in numbers and words}}.

    Raises:
        ValueError: a dataset that is not coloured shapes, or a model for other images.
    """
    from aelib.data import shapes

    draws = Interventions(ae.encode, dataset, seed)
    if tuple(ae.image_shape) != tuple(dataset.image_shape):
        raise ValueError(f"The model takes images shaped {ae.image_shape}; {dataset.name!r} has "
                         f"{dataset.image_shape}. Score it on the dataset it was trained on.")
    factors = shapes.random_factors(num_codes, seed + 1)
    codes = draws.codes(factors)
    scores = dict.fromkeys(SCORES)
    scores["mig"] = mig(codes, factors)
    scores["sap"] = sap(codes, factors)
    scores.update({f"dci_{name}": value for name, value in dci(codes, factors, seed=seed).items()})
    scores.update(modularity_explicitness(codes, factors))
    scores["gaussian_total_correlation"] = gaussian_total_correlation(codes)
    if interventional:
        scores["factor_vae"] = factor_vae_score(ae.encode, dataset, seed=seed)
        scores["beta_vae"] = beta_vae_score(ae.encode, dataset, seed=seed)
    scores["settings"] = {
        "num_codes": num_codes, "num_bins": NUM_BINS, "train_fraction": TRAIN_FRACTION,
        "dci_estimator": f"ExtraTreesClassifier({DCI_TREES} trees, depth <= {DCI_MAX_DEPTH})",
        "intervention_points": (INTERVENTION_TRAIN, INTERVENTION_EVAL) if interventional else None,
        "intervention_batch": INTERVENTION_BATCH, "seed": seed,
    }
    return scores
