"""aelib.disentanglement: disentanglement_lib's own test expectations, and the parts around them.

The conformance cases copy google-research/disentanglement_lib's tests
(`evaluation/metrics/*_test.py`): its IdentityObservationsData is 10 factors of whole numbers 1
to 10, drawn uniformly, whose observations are the factors themselves.
"""

import numpy as np
import pytest
from sklearn.metrics import mutual_info_score

import aelib
from aelib.data import shapes
from aelib.explore import disentanglement

metrics = aelib.disentanglement


def identity_factors(n, seed=0):
    return np.random.RandomState(seed).randint(1, 11, size=(n, 10))


def permuted_per_sample(factors, seed=0):
    """The lib's bad representation: each code is its factors in a random order."""
    rng = np.random.RandomState(seed)
    return np.array([rng.permutation(row) for row in factors], dtype=np.float64)


def test_the_public_module_is_the_explore_one():
    assert metrics is disentanglement
    assert metrics.mig is disentanglement.mig


def test_mig_of_an_identity_zeros_and_a_duplicated_representation():
    factors = identity_factors(3000)
    codes = factors.astype(np.float64)
    assert 0.9 <= metrics.mig(codes, factors) <= 1.0
    assert 0.0 <= metrics.mig(np.zeros_like(codes), factors) <= 0.2
    assert 0.0 <= metrics.mig(np.hstack([codes, codes]), factors) <= 0.1


def test_dci_of_an_identity_permuted_and_duplicated_representation():
    factors = identity_factors(2000)
    codes = factors.astype(np.float64)
    identity = metrics.dci(codes, factors)
    assert 0.9 <= identity["disentanglement"] <= 1.0
    assert 0.9 <= identity["completeness"] <= 1.0
    assert identity["informativeness"] > 0.95
    permuted = metrics.dci(permuted_per_sample(factors), factors)
    assert permuted["disentanglement"] <= 0.2 and permuted["completeness"] <= 0.2
    duplicated = metrics.dci(np.hstack([codes, codes]), factors)
    assert duplicated["disentanglement"] >= 0.9
    assert duplicated["completeness"] == pytest.approx(1 - np.log(2) / np.log(10), abs=0.1)


def test_dci_weighting_matches_the_libs_importance_matrix_cases():
    diagonal = np.diag(5.0 * np.ones(5))
    score = disentanglement._weighted_score
    assert score(diagonal) == pytest.approx(1.0)
    assert score(np.vstack([diagonal, diagonal])) == pytest.approx(1.0)  # D, redundant codes
    assert score(np.vstack([diagonal, diagonal]).T) == pytest.approx(1 - np.log(2) / np.log(10))
    assert score(np.hstack([diagonal, diagonal])) == pytest.approx(1 - np.log(2) / np.log(10))
    assert score(np.zeros((10, 10))) == pytest.approx(0.0, abs=1e-7)


def test_sap_of_an_identity_zeros_and_a_duplicated_representation():
    factors = identity_factors(3000)
    codes = factors.astype(np.float64)
    assert 0.9 <= metrics.sap(codes, factors, continuous=True) <= 1.0
    assert 0.0 <= metrics.sap(np.zeros_like(codes), factors, continuous=True) <= 0.2
    assert 0.0 <= metrics.sap(np.hstack([codes, codes]), factors, continuous=True) <= 0.2


def test_sap_classifies_discrete_factors_with_a_linear_svm():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 2000)
    codes = np.column_stack([labels + 0.1 * rng.normal(size=2000), rng.normal(size=2000)])
    assert metrics.sap(codes, labels[:, None]) > 0.4  # accuracy ~1 against ~0.5


def test_modularity_of_an_identity_permuted_and_duplicated_representation():
    factors = identity_factors(3000)
    codes = factors.astype(np.float64)
    assert 0.9 <= metrics.modularity_explicitness(codes, factors)["modularity"] <= 1.0
    duplicated = metrics.modularity_explicitness(np.hstack([codes, codes]), factors)
    assert 0.9 <= duplicated["modularity"] <= 1.0
    assert duplicated["explicitness"] > 0.9
    many = identity_factors(20000)
    information = metrics.mutual_information(permuted_per_sample(many), many)
    assert disentanglement._modularity(information) <= 0.2


def test_modularity_matches_the_libs_mutual_information_cases():
    diagonal = np.diag(5.0 * np.ones(5))
    modularity = disentanglement._modularity
    assert modularity(diagonal) == pytest.approx(1.0)
    assert modularity(np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])) == pytest.approx(2 / 3)
    assert modularity(np.zeros((10, 10))) == pytest.approx(0.0)
    assert modularity(np.hstack([diagonal, diagonal])) == pytest.approx(1 - 1 / 9)


def test_gaussian_total_correlation_is_zero_for_independent_and_the_closed_form_otherwise():
    rng = np.random.default_rng(0)
    assert metrics.gaussian_total_correlation(rng.normal(size=(20000, 5))) == pytest.approx(
        0.0, abs=0.01)
    cov = np.array([[1.0, 0.9], [0.9, 1.0]])
    codes = rng.multivariate_normal([0, 0], cov, size=50000)
    assert metrics.gaussian_total_correlation(codes) == pytest.approx(
        -0.5 * np.log(1 - 0.9 ** 2), abs=0.02)  # KL(N(0, cov) || N(0, diag(cov)))


def test_mutual_information_is_scikit_learns():
    rng = np.random.default_rng(1)
    codes = rng.normal(size=(500, 3))
    factors = np.column_stack([rng.integers(0, 4, 500), rng.uniform(size=500)])
    matrix = metrics.mutual_information(codes, factors)
    bins = metrics.discretise(codes)
    factor_bins = metrics.discretise(factors[:, 1])
    for i in range(3):
        assert matrix[i, 0] == pytest.approx(mutual_info_score(factors[:, 0], bins[:, i]))
        assert matrix[i, 1] == pytest.approx(mutual_info_score(factor_bins, bins[:, i]))


def test_normalised_mutual_information_is_one_for_a_code_that_determines_the_factor():
    factors = shapes.random_factors(2000, seed=3)
    codes = np.column_stack([factors["colour"], factors["x"]]).astype(np.float64)
    matrix = metrics.mutual_information(codes, factors, normalised=True)
    names = shapes.FACTORS.names
    assert matrix.shape == (2, len(names))
    assert matrix[0, names.index("colour")] == pytest.approx(1.0)
    assert matrix[1, names.index("x")] > 0.95
    assert matrix[0, names.index("x")] < 0.05


def test_factor_records_read_as_named_discrete_and_continuous_factors():
    table = metrics.factor_table(shapes.random_factors(300, seed=0))
    assert table.names == ("shape", "colour", "size", "x", "y")
    assert table.continuous == (False, False, True, True, True)
    assert table.classes[:, 1].max() == len(shapes.COLOURS) - 1
    assert len(np.unique(table.classes[:, 2])) == metrics.NUM_BINS


@pytest.mark.parametrize("codes, factors, match", [
    (np.zeros((10, 3)), np.zeros((9, 2)), "one row"),
    (np.zeros(10), np.zeros((10, 2)), r"\(n, d\) array"),
    (np.full((10, 3), np.nan), np.zeros((10, 2)), "not finite"),
    (np.zeros((10, 1)), np.zeros((10, 2)), "at least 2 dimensions"),
])
def test_bad_inputs_say_what_is_wrong(codes, factors, match):
    with pytest.raises(ValueError, match=match):
        metrics.mig(codes, factors)


def test_a_model_is_scored_on_the_shapes_when_its_codes_are_vectors_of_their_images(
        small_data):
    colour = aelib.load_dataset("shapes").subset(64, 32)
    vae = aelib.build("vae", latent_dim=3, intermediate_dim=8, image_shape=colour.image_shape)
    assert disentanglement.can_score(vae, colour)
    assert not disentanglement.can_score(vae, small_data)  # no factors: MNIST digits
    conv = aelib.build("conv", image_shape=colour.image_shape)
    assert not disentanglement.can_score(conv, colour)  # a code of feature maps
    grey = aelib.build("vae", latent_dim=3, intermediate_dim=8)
    assert not disentanglement.can_score(grey, colour)  # a model of other images

    metrics_kept = aelib.analysis.run_metrics(vae, colour)
    assert tuple(metrics_kept)[-len(disentanglement.SCORES):] == tuple(disentanglement.SCORES)
    scores = disentanglement.scorecard(vae, colour, interventional=False)
    for name in ("mig", "sap", "dci_disentanglement", "modularity", "explicitness"):
        assert metrics_kept[name] == pytest.approx(scores[name])
    assert metrics_kept["factor_vae"] is None and metrics_kept["beta_vae"] is None
    assert all(aelib.analysis.run_metrics(grey, small_data)[name] is None
               for name in disentanglement.SCORES)
