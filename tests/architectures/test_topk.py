"""The TopK sparse autoencoder: exactly k active units, AuxK only while training, k checked."""

import keras
import numpy as np
import pytest

import aelib
from aelib.architectures.topk import AUX_WEIGHT, TopKAutoencoder


@pytest.mark.parametrize("k", [1, 5, 32])
def test_topk_codes_have_exactly_k_non_zeros(k):
    ae = aelib.build("topk", k=k, seed=1)
    images = np.random.default_rng(0).random((50, 28, 28, 1), dtype=np.float32)
    codes = ae.encode(images)
    assert codes.shape == (50, 32)
    assert ((codes != 0).sum(axis=1) == k).all()


def test_the_kept_values_are_each_image_s_k_highest_scores():
    ae = aelib.build("topk", k=3, seed=2)
    images = np.random.default_rng(1).random((20, 784), dtype=np.float32)
    scores = keras.ops.convert_to_numpy(ae.encoder.get_layer("scores")(images))
    codes = ae.encode(images)
    for score, code in zip(scores, codes, strict=True):
        top = np.sort(np.argsort(score)[-3:])
        np.testing.assert_array_equal(np.flatnonzero(code), top)
        np.testing.assert_allclose(code[top], score[top], rtol=1e-6)


def test_k_above_the_code_size_is_refused_with_a_way_out():
    with pytest.raises(ValueError, match="k=40 is more than encoding_dim=32.*Lower k"):
        aelib.build("topk", k=40)


def test_auxk_is_added_in_training_only_and_trains_units_no_image_picks():
    ae = aelib.build("topk", encoding_dim=16, k=2, seed=0)
    model = ae.autoencoder
    assert isinstance(model, TopKAutoencoder)
    images = np.random.default_rng(2).random((64, 784), dtype=np.float32)
    model(images, training=False)
    assert not model.losses
    model(images, training=True)
    (auxk,) = model.losses
    assert 0 < float(auxk) < AUX_WEIGHT  # a mean squared error of values in [0, 1], weighted


def test_auxk_trains_units_that_no_training_image_picks(small_data):
    ae = aelib.build("topk", encoding_dim=64, k=1, seed=0)
    before = ae.encoder.get_layer("scores").get_weights()[0].copy()
    never = np.flatnonzero(np.abs(ae.encode(small_data.x_train)).max(axis=0) == 0)
    assert len(never) > 0  # one unit per image leaves some of a fresh model's 64 unpicked
    aelib.train(ae, small_data, epochs=1, batch_size=64, seed=0)
    after = ae.encoder.get_layer("scores").get_weights()[0]
    # Without AuxK these units' scores would get no gradient and stay as they were; AuxK moves
    # those among each batch's 2k highest-scoring dead units.
    moved = np.abs(after - before)[:, never].max(axis=0) > 0
    assert moved.mean() > 0.5


def test_topk_trains_and_its_loss_falls(small_data):
    ae = aelib.build("topk", k=8, seed=0)
    result = aelib.train(ae, small_data, epochs=3, batch_size=64, learning_rate=3e-3, seed=0)
    assert result.history["val_loss"][-1] < result.history["val_loss"][0]
