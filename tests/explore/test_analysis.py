import numpy as np
import pytest

import aelib
from aelib.explore import analysis
from aelib.explore.metrics import METRICS


def test_reconstruction_errors_bce_and_mse():
    x = np.array([[0.0, 1.0], [1.0, 1.0]])
    r = np.array([[0.5, 0.5], [1.0, 1.0]])
    np.testing.assert_allclose(analysis.reconstruction_errors(x, r), [np.log(2), 0.0], atol=1e-6)
    np.testing.assert_allclose(analysis.reconstruction_errors(x, r, "mse"), [0.25, 0.0])
    with pytest.raises(ValueError, match="differ in shape"):
        analysis.reconstruction_errors(x, r[:1])
    with pytest.raises(ValueError, match="metric must be"):
        analysis.reconstruction_errors(x, r, "l1")


def test_sparsity_stats_on_known_codes():
    codes = np.zeros((4, 8))
    codes[:, 0] = [1, 2, 3, 4]  # one busy unit
    codes[0, 1] = 8  # one unit active once
    stats = analysis.sparsity_stats(codes)
    assert stats.mean_activation == pytest.approx(18 / 32)
    assert stats.inactive_fraction == pytest.approx(6 / 8)
    assert stats.zero_fraction == pytest.approx(27 / 32)
    np.testing.assert_allclose(stats.per_unit_mean[:2], [2.5, 2.0])
    assert stats.histogram_counts.sum() == 32


def test_tsne_is_seeded_subsampled_and_separates_clusters():
    rng = np.random.default_rng(0)
    codes = np.concatenate([rng.normal(0, 1, (60, 64)), rng.normal(20, 1, (60, 64))])
    a = analysis.tsne_map(codes, max_points=100, perplexity=10, seed=1)
    b = analysis.tsne_map(codes, max_points=100, perplexity=10, seed=1)
    np.testing.assert_array_equal(a.embedding, b.embedding)
    assert a.embedding.shape == (100, 2) and len(np.unique(a.indices)) == 100
    labels = a.indices >= 60
    gap = np.linalg.norm(a.embedding[labels].mean(0) - a.embedding[~labels].mean(0))
    assert gap > 3 * a.embedding[labels].std(0).max()
    with pytest.raises(ValueError, match="needs more than 30 codes"):
        analysis.tsne_map(codes[:20], perplexity=30)
    assert analysis.tsne_map(codes[:20]).embedding.shape == (20, 2)  # a perplexity that fits
    with pytest.raises(ValueError, match="at least 10 codes"):
        analysis.tsne_map(codes[:9])


def test_pca_baseline_with_all_components_reconstructs_exactly(small_data):
    full = analysis.pca_baseline(small_data.x_train, small_data.x_test[:10], 784)
    assert full.n_components == 512  # capped at the number of training images
    few = analysis.pca_baseline(small_data.x_train, small_data.x_test, 32)
    assert few.reconstructions.shape == small_data.x_test.shape
    assert few.loss > full.loss
    assert 0.5 < few.explained_variance < 1.0


def test_an_mse_model_is_measured_in_mse_and_pca_too_as_its_run_metrics_are(small_data):
    ae = aelib.build("dense", seed=0, encoding_dim=16, loss="mse")
    x = small_data.x_test
    losses = analysis.reconstruction_losses(ae, small_data)
    assert (losses.loss, losses.label) == ("mse", "mean squared error")
    squared = (x - ae.reconstruct(x)).reshape(len(x), -1) ** 2
    np.testing.assert_allclose(losses.errors, squared.mean(axis=1), rtol=1e-5)
    assert losses.test_loss == pytest.approx(squared.mean(), rel=1e-5)
    pca_squared = (x - losses.pca.reconstructions) ** 2
    assert losses.pca.loss == pytest.approx(pca_squared.mean(), rel=1e-5)
    bce = analysis.reconstruction_errors(x, losses.reconstructions, "bce").mean()
    assert bce > 2 * losses.test_loss  # what the Reconstructions page used to show for it

    metrics = analysis.run_metrics(ae, small_data)
    assert tuple(metrics) == tuple(METRICS)  # the table's names, in its order
    assert (metrics["test_loss"], metrics["pca_loss"]) == (losses.test_loss, losses.pca.loss)
    given = analysis.reconstruction_losses(ae, small_data, codes=ae.encode(x))
    np.testing.assert_allclose(given.errors, losses.errors)


def test_knn_accuracy_is_perfect_on_separated_codes():
    rng = np.random.default_rng(0)
    codes = np.concatenate([rng.normal(0, 1, (50, 4)), rng.normal(10, 1, (50, 4))])
    labels = np.repeat([0, 1], 50)
    assert analysis.knn_accuracy(codes[::2], labels[::2], codes[1::2], labels[1::2]) == 1.0


def test_interpolation_runs_from_one_reconstruction_to_the_other(small_data):
    ae = aelib.build("dense", seed=0)
    a, b = small_data.x_test[0], small_data.x_test[1]
    path = analysis.interpolate(ae, a, b, steps=5)
    assert path.shape == (5, 28, 28, 1)
    ends = ae.reconstruct(np.stack([a, b]))
    np.testing.assert_allclose(path[[0, -1]], ends, atol=1e-5)


def test_latent_grid_covers_gaussian_quantiles():
    ae = aelib.build("vae", seed=0)
    images, values = analysis.latent_grid(ae, size=15)
    assert images.shape == (15, 15, 28, 28, 1) and values.shape == (15, 2)
    np.testing.assert_allclose(values[[0, -1]], [[-1.6449] * 2, [1.6449] * 2], atol=1e-3)
    top_left = ae.decode(np.array([[values[0, 0], values[-1, 1]]]))[0]
    np.testing.assert_allclose(images[0, 0], top_left, atol=1e-6)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        analysis.latent_grid(aelib.build("vae", latent_dim=1))


def test_the_latent_grid_follows_the_codes_frame():
    ae = aelib.build("vae", seed=0, latent_dim=3)
    codes = np.random.default_rng(0).normal([2.0, -4.0, 1.0], [1.0, 3.0, 0.5], (500, 3))
    frame = analysis.latent_frame(codes)
    images, values = analysis.latent_grid(ae, size=5, span=0.95, frame=frame)
    quantiles = np.array([-1.6449, 0.0, 1.6449])
    np.testing.assert_allclose(values[[0, 2, 4]], frame.centre[:2] + quantiles[:, None]
                               * frame.spread[:2], atol=1e-3)
    bottom_right = np.array([[values[-1, 0], values[0, 1], frame.centre[2]]], np.float32)
    np.testing.assert_allclose(images[-1, -1], ae.decode(bottom_right)[0], atol=1e-6)


def test_the_latent_frame_reaches_every_code_with_room_to_spare():
    half = np.random.default_rng(0).normal(0, 1, (500, 2)).clip(-2.5, 2.5)
    near_the_prior = np.concatenate([half, -half])  # centred on 0 exactly
    frame = analysis.latent_frame(near_the_prior)
    assert frame.low.tolist() == [-3.0, -3.0] and frame.high.tolist() == [3.0, 3.0]
    drifted = np.array([[2.0, -2.0], [-6.0, -2.5], [2.5, 1.5]])
    frame = analysis.latent_frame(drifted)  # codes at -6 after a few epochs
    np.testing.assert_allclose(frame.centre, [-0.5, -1.0])
    half = 1.1 * 5.5  # the farthest code in z[0] is 5.5 from the centre
    assert frame.low[0] == -7.0 and frame.high[0] == 6.0  # -0.5 ± 6.05, rounded outwards
    assert frame.low[0] <= -0.5 - half and frame.high[0] >= -0.5 + half
    assert frame.low[1] == -4.0 and frame.high[1] == 2.0  # -1 ± 3, at least 3 either way
    assert (drifted >= frame.low).all() and (drifted <= frame.high).all()
    with pytest.raises(ValueError, match="at least one code, shaped"):
        analysis.latent_frame(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="not finite"):
        analysis.latent_frame(np.array([[np.nan, 0.0]]))


def test_codes_of_two_numbers_are_a_plane_and_get_no_t_sne_map(small_data):
    assert analysis.is_planar(np.zeros((5, 2))) and analysis.is_planar(np.zeros((5, 1, 2)))
    assert not analysis.is_planar(np.zeros((5, 3))) and not analysis.is_planar(np.zeros((5, 1)))
    vae = analysis.code_analysis(aelib.build("vae", seed=0), small_data)
    assert vae["test_codes"].shape == (128, 2) and "tsne" not in vae
    wide = analysis.code_analysis(aelib.build("vae", seed=0, latent_dim=3), small_data)
    assert wide["tsne"].embedding.shape == (128, 2)


def test_tsne_map_runs_long_enough_to_unroll_a_rolled_sheet():
    from sklearn.datasets import make_swiss_roll

    sheet, _ = make_swiss_roll(600, random_state=0)
    codes = (sheet @ np.random.default_rng(0).normal(size=(3, 32))).astype(np.float32)
    tsne = analysis.tsne_map(codes, seed=0)
    # 0.9994 after 500 or 1,000 iterations; 0.964 when stopped after the early exaggeration.
    assert analysis.tsne_trustworthiness(codes, tsne) > 0.99


def test_trustworthiness_is_high_for_a_faithful_map_and_low_for_a_shuffled_one():
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(200, 8)).astype(np.float32)
    faithful = analysis.TSNEMap(codes[:, :2] * 10, np.arange(200))
    assert analysis.tsne_trustworthiness(codes[:, :2], faithful) == pytest.approx(1.0)
    shuffled = analysis.TSNEMap(rng.normal(size=(200, 2)).astype(np.float32), np.arange(200))
    assert analysis.tsne_trustworthiness(codes, shuffled) < 0.7


def test_knn_comparison_scores_codes_pca_and_pixels(small_data):
    ae = aelib.build("dense", seed=0, encoding_dim=16)
    aelib.train(ae, small_data, epochs=3, batch_size=64)
    scores = analysis.knn_comparison(ae, small_data, n_train=512)
    assert set(scores) == {"codes", "pca", "pixels"}
    assert all(0.3 < score <= 1 for score in scores.values())  # chance is 0.1
    with pytest.raises(ValueError, match="needs labelled images"):
        analysis.knn_comparison(ae, aelib.Dataset.from_arrays(small_data.x_train))


@pytest.fixture(scope="module")
def small_vae():
    data = aelib.load_dataset("shapes").subset(256, 64)
    ae = aelib.build("vae", latent_dim=4, intermediate_dim=32, image_shape=data.image_shape,
                     seed=0)
    aelib.train(ae, data, epochs=1, batch_size=64, seed=0)
    return ae, data


def test_kl_per_dimension_sums_to_the_kl_the_model_reports(small_vae):
    from aelib.training.fit import compile_model

    ae, data = small_vae
    per_dimension = analysis.kl_per_dimension(ae, data.x_test)
    assert per_dimension.shape == (4,) and np.all(per_dimension >= 0)
    compile_model(ae)
    reported = ae.autoencoder.evaluate(ae.to_model_input(data.x_test),
                                       ae.to_model_input(data.x_test),
                                       batch_size=len(data.x_test), return_dict=True, verbose=0)
    assert per_dimension.sum() == pytest.approx(reported["kl_loss"], rel=1e-4)


def test_kl_per_dimension_needs_a_variational_model(small_data):
    with pytest.raises(ValueError, match="no posterior"):
        analysis.kl_per_dimension(aelib.build("dense"), small_data.x_test[:4])


def test_a_traversal_changes_along_an_active_dimension_and_not_an_inactive_one(small_vae):
    ae, data = small_vae
    first = ae.decoder.get_layer("decode_hidden")
    kernel, bias = first.get_weights()
    kernel[2] = 0.0  # the decoder no longer reads dimension 2: it is inactive
    first.set_weights([kernel, bias])
    code = ae.encode(data.x_test[:1])[0]
    values = np.linspace(-3, 3, 5)
    images = analysis.latent_traversal(ae, code, values)
    assert images.shape == (4, 5, *data.image_shape)
    assert np.abs(images[0, -1] - images[0, 0]).max() > 1e-3
    assert np.abs(images[2] - images[2, :1]).max() == 0.0
    expected = code.copy()
    expected[1] = values[3]
    assert np.allclose(images[1, 3], ae.decode(expected[None])[0])
