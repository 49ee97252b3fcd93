"""The dense family: the single layer, and the sparse model's penalty on its code alone."""

import pytest

import aelib


def test_sparse_puts_an_l1_penalty_on_the_code_only():
    dense, sparse = aelib.build("dense"), aelib.build("sparse", l1=1e-4)
    assert dense.encoder.get_layer("code").activity_regularizer is None
    assert float(sparse.encoder.get_layer("code").activity_regularizer.l1) == pytest.approx(1e-4)


def test_the_deep_model_mirrors_its_hidden_units():
    sizes = [row.output_shape for row in aelib.build("deep", hidden_units=(64, 16)).summary()
             .layers]
    assert sizes == ["(None, 64)", "(None, 16)", "(None, 64)", "(None, 784)"]
