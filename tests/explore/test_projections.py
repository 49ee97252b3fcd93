"""`aelib.explore.projections`: PCA, t-SNE and UMAP by name, and Procrustes alignment."""

import numpy as np
import pytest

from aelib.explore import projections


def blobs(n=120, dims=8, seed=0):
    """Three well-apart clusters of codes, and which cluster each is in."""
    rng = np.random.default_rng(seed)
    which = rng.integers(0, 3, n)
    return (rng.normal(size=(n, dims)) * 0.1 + np.eye(dims)[which] * 5).astype(np.float32), which


def test_pca_positions_are_scikit_learn_s_pca_up_to_each_axis_sign():
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(1)
    codes = rng.normal(size=(200, 3)) * [5.0, 2.0, 0.01]
    positions = projections.pca_positions(codes)
    expected = PCA(n_components=2).fit_transform(codes)
    np.testing.assert_allclose(np.abs(positions), np.abs(expected), rtol=1e-4, atol=1e-4)
    assert projections.pca_positions(codes[:, :1])[:, 1].tolist() == [0.0] * 200


@pytest.mark.parametrize("method", ["pca", "tsne"])
def test_each_projection_keeps_clusters_apart(method):
    codes, which = blobs()
    projection = projections.project(codes, method, perplexity=10, seed=0)
    assert projection.positions.shape == (120, 2) and projection.method == method
    np.testing.assert_array_equal(projection.indices, np.arange(120))
    centres = np.stack([projection.positions[which == c].mean(axis=0) for c in range(3)])
    spread = max(projection.positions[which == c].std(axis=0).max() for c in range(3))
    gaps = [np.linalg.norm(centres[a] - centres[b]) for a, b in ((0, 1), (0, 2), (1, 2))]
    assert min(gaps) > 3 * spread
    assert projection.axis_titles[0] == {"pca": "PCA 1", "tsne": "t-SNE 1"}[method]


def test_project_subsamples_to_max_points_with_a_seed():
    codes, _ = blobs(300)
    first = projections.project(codes, "pca", max_points=50, seed=3)
    again = projections.project(codes, "pca", max_points=50, seed=3)
    assert len(first.indices) == 50 and (np.diff(first.indices) > 0).all()
    np.testing.assert_array_equal(first.indices, again.indices)
    np.testing.assert_allclose(first.positions,
                               projections.pca_positions(codes[first.indices]))


def test_umap_without_umap_learn_says_how_to_get_it(monkeypatch):
    monkeypatch.setattr(projections, "umap_available", lambda: False)
    assert "umap" not in projections.available_projections()
    with pytest.raises(ValueError, match="pip install umap-learn"):
        projections.project(blobs()[0], "umap")


def test_an_unknown_projection_lists_the_known_ones():
    with pytest.raises(ValueError, match="Unknown projection 'mds': choose one of pca, tsne"):
        projections.project(blobs()[0], "mds")


def test_align_undoes_a_rotation_and_a_reflection_without_scaling():
    rng = np.random.default_rng(2)
    reference = rng.normal(size=(50, 2)) * [3.0, 1.0]
    angle = 0.7
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = (reference @ rotation) * [1, -1] + [4.0, -2.0]  # rotated, reflected, shifted
    aligned = projections.align(moved, reference)
    np.testing.assert_allclose(aligned - aligned.mean(axis=0),
                               reference - reference.mean(axis=0), atol=1e-5)
    np.testing.assert_allclose(aligned.mean(axis=0), moved.mean(axis=0), atol=1e-5)
    with pytest.raises(ValueError, match="Align the same points"):
        projections.align(moved[:10], reference)
