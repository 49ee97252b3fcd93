"""`aelib.explore.sampling`: new images from a mixture of the codes, beside their nearest."""

import numpy as np
import pytest

import aelib
from aelib.explore.sampling import mixture_samples, nearest_training_images, prior_samples


@pytest.fixture(scope="module")
def trained(small_data):
    ae = aelib.build("dense", encoding_dim=8, seed=0)
    aelib.train(ae, small_data, epochs=2, batch_size=64, learning_rate=3e-3, seed=0)
    return ae


def test_nearest_training_images_are_found_with_their_distance():
    rng = np.random.default_rng(0)
    x_train = rng.random((30, 4, 4, 1), dtype=np.float32)
    queries = x_train[[7, 3]] + 0.01
    nearest, distances = nearest_training_images(queries, x_train)
    assert nearest.tolist() == [7, 3]
    np.testing.assert_allclose(distances, [0.01, 0.01], rtol=1e-3)  # root-mean-square
    with pytest.raises(ValueError, match="cannot be compared"):
        nearest_training_images(queries[:, :2], x_train)


def test_mixture_samples_decode_to_images_of_the_model_s_shape_beside_their_nearest(
        trained, small_data):
    samples = aelib.analysis.mixture_samples(trained, small_data, 6, seed=0)
    assert samples.images.shape == (6, 28, 28, 1)
    assert ((samples.images >= 0) & (samples.images <= 1)).all()
    assert samples.nearest.shape == samples.distances.shape == (6,)
    for image, index, distance in zip(samples.images, samples.nearest, samples.distances,
                                      strict=True):
        all_distances = np.sqrt(((small_data.x_train - image) ** 2).mean(axis=(1, 2, 3)))
        assert index == all_distances.argmin()
        assert distance == pytest.approx(all_distances.min(), rel=1e-4)
    assert 0 < samples.reference_distance < 1
    assert 1 <= samples.components <= 20 and len(samples.bic) >= samples.components
    assert samples.bic[samples.components - 1] == min(samples.bic)  # BIC's choice
    again = mixture_samples(trained, small_data, 6, seed=0)
    np.testing.assert_array_equal(again.images, samples.images)


def test_mixture_samples_work_for_a_conv_code(small_data):
    ae = aelib.build("conv", seed=0)
    samples = mixture_samples(ae, small_data.subset(200, 20, seed=0), 3, max_components=2)
    assert samples.images.shape == (3, 28, 28, 1) and samples.components <= 2


def test_prior_samples_are_the_vae_s_only(trained, small_data):
    vae = aelib.build("vae", seed=0)
    samples = prior_samples(vae, small_data, 4, seed=1)
    assert samples.images.shape == (4, 28, 28, 1) and samples.components == 0
    with pytest.raises(ValueError, match="no prior to sample from; use mixture_samples"):
        prior_samples(trained, small_data, 4)


@pytest.mark.parametrize("n", [0, 1001, 2.5, True])
def test_a_number_of_samples_out_of_range_is_refused(trained, small_data, n):
    with pytest.raises(ValueError, match="n must be a whole number of samples from 1 to 1000"):
        mixture_samples(trained, small_data, n)
