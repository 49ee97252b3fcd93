"""Codes drawn on a plane: PCA, t-SNE or UMAP, chosen by name, and the alignment of one
projection onto another.

`project` takes codes of any shape (each flattened) and returns 2-d positions of up to
`max_points` of them (a seeded subsample, its `indices` into the codes). PCA is linear and
instant, the one to compare epochs with; t-SNE (`aelib.explore.analysis.tsne_map`) keeps
neighbours together at the cost of distances; UMAP does both, and needs the optional package
`umap-learn` (not in requirements.txt: `umap_available()` says whether it is installed, and
`project` says how to install it when it is not).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

import numpy as np

PROJECTIONS = {
    "pca": "PCA: the two directions in which the codes vary most; distances are kept, "
           "clusters may overlap.",
    "tsne": "t-SNE: neighbours in code space stay neighbours; distances between clusters and "
            "their sizes mean little. Perplexity: about how many neighbours each point keeps.",
    "umap": "UMAP: neighbours stay neighbours, and more of the global layout is kept than "
            "with t-SNE (needs the optional umap-learn).",
}
PROJECTION_TITLES = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}
UMAP_MISSING = ("UMAP needs the optional package umap-learn, which is not installed here: "
                "`pip install umap-learn` (it is not in requirements.txt). PCA and t-SNE work "
                "without it.")
MAX_POINTS = 2000  # as the t-SNE map: more points take long and show little more


@dataclass(frozen=True)
class Projection:
    """Codes on a plane.

    Args:
        positions: (m, 2) coordinates.
        indices: (m,) which rows of the codes each position is, ascending.
        method: the key of `PROJECTIONS` that made it.
    """

    positions: np.ndarray
    indices: np.ndarray
    method: str

    @property
    def axis_titles(self) -> tuple[str, str]:
        """"PCA 1", "PCA 2" (or t-SNE's, UMAP's)."""
        title = PROJECTION_TITLES[self.method]
        return f"{title} 1", f"{title} 2"


def umap_available() -> bool:
    """Whether the optional `umap-learn` package is installed."""
    return importlib.util.find_spec("umap") is not None


def available_projections() -> tuple[str, ...]:
    """The keys of `PROJECTIONS` that work here: UMAP only with `umap-learn` installed."""
    return tuple(name for name in PROJECTIONS if name != "umap" or umap_available())


def pca_positions(codes: np.ndarray) -> np.ndarray:
    """The codes, flattened, on their first two principal axes (centred, not whitened),
    shaped (n, 2); a code of one number gets 0 for its second coordinate."""
    flat = np.asarray(codes, dtype=np.float64).reshape(len(codes), -1)
    centred = flat - flat.mean(axis=0)
    # The SVD of a few hundred codes costs well under a millisecond: no estimator needed.
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    positions = np.zeros((len(flat), 2))
    positions[:, :min(2, len(axes))] = centred @ axes[:2].T
    return positions.astype(np.float32)


def align(positions: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """`positions` rotated (or reflected) about their centre to lie as near `reference` as any
    rotation lets them (orthogonal Procrustes), same points in the same order; no scaling, so a
    spread that grows stays visible.

    Raises:
        ValueError: a different number of points.
    """
    positions, reference = np.asarray(positions, np.float64), np.asarray(reference, np.float64)
    if positions.shape != reference.shape:
        raise ValueError(f"Align the same points: got {positions.shape} positions for a "
                         f"reference shaped {reference.shape}.")
    centre = positions.mean(axis=0)
    u, _, vt = np.linalg.svd((positions - centre).T @ (reference - reference.mean(axis=0)))
    return ((positions - centre) @ (u @ vt) + centre).astype(np.float32)


def project(codes: np.ndarray, method: str = "pca", *, perplexity: float | None = None,
            max_points: int = MAX_POINTS, seed: int = 0) -> Projection:
    """Up to `max_points` codes (a seeded subsample) on a plane.

    Args:
        codes: (n, ...) codes; each is flattened.
        method: a key of `PROJECTIONS`.
        perplexity: t-SNE's (None for 30, or a third of the points when they are few); also
            UMAP's number of neighbours, rounded. Ignored by PCA.
        max_points: most codes drawn.
        seed: seed of the subsample and of t-SNE's and UMAP's layouts.

    Returns:
        A `Projection`.

    Raises:
        ValueError: an unknown method, UMAP without `umap-learn` (saying how to install it),
            or too few codes for t-SNE's perplexity.
    """
    from aelib.explore.analysis import tsne_map

    if method not in PROJECTIONS:
        raise ValueError(f"Unknown projection {method!r}: choose one of "
                         f"{', '.join(PROJECTIONS)}.")
    if method == "umap" and not umap_available():
        raise ValueError(UMAP_MISSING)
    if method == "tsne":
        tsne = tsne_map(codes, max_points=max_points, perplexity=perplexity, seed=seed)
        return Projection(tsne.embedding, tsne.indices, method)
    flat = np.asarray(codes, dtype=np.float32).reshape(len(codes), -1)
    rng = np.random.default_rng(seed)
    indices = np.sort(rng.choice(len(flat), size=min(max_points, len(flat)), replace=False))
    if method == "pca":
        return Projection(pca_positions(flat[indices]), indices, method)
    import umap

    neighbours = int(round(perplexity or 15))
    positions = umap.UMAP(n_neighbors=max(2, min(neighbours, len(indices) - 1)),
                          random_state=seed).fit_transform(flat[indices])
    return Projection(np.asarray(positions, np.float32), indices, method)
