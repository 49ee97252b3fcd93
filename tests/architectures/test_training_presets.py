"""The registry's training defaults give what they promise on the bundled sample (the quick
dense-family ones; `bench/defaults.py` measures all seven)."""

import numpy as np

import aelib
from aelib.explore.advice import pca_verdict
from aelib.explore.analysis import knn_accuracy, pca_baseline, reconstruction_errors


def train_at_defaults(name, data):
    ae = aelib.build(name, seed=0)
    aelib.train(ae, data, **aelib.REGISTRY[name].training.settings(seed=0))
    return ae


def test_the_dense_default_beats_pca_with_recognisable_digits(bundled):
    """The issue: at the old defaults dense lost to PCA (0.213 against 0.118) and a 5-NN
    classifier read 64% of its reconstructions."""
    ae = train_at_defaults("dense", bundled)
    reconstructions = ae.reconstruct(bundled.x_test)
    loss = float(reconstruction_errors(bundled.x_test, reconstructions).mean())
    assert pca_verdict(loss, pca_baseline(bundled.x_train, bundled.x_test, 32).loss, 32).beats_pca
    assert knn_accuracy(bundled.x_train, bundled.y_train, reconstructions, bundled.y_test) > 0.85


def test_the_vae_default_puts_its_codes_where_the_generate_page_looks(bundled):
    """The issue: at the old defaults the codes sat around (2, -2), so the manifold around 0
    decoded to grey."""
    codes = train_at_defaults("vae", bundled).encode(bundled.x_test)
    assert np.all(np.abs(codes.mean(axis=0)) < 0.5)
    assert np.all((codes.std(axis=0) > 0.7) & (codes.std(axis=0) < 2.0))
