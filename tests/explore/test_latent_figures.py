import time

import numpy as np

import aelib
from aelib.explore import latent_figures


def test_kl_bars_sort_the_dimensions_and_grey_the_inactive_ones():
    fig = latent_figures.kl_bars(np.array([0.5, 0.001, 3.0, 0.02]))
    bar = fig.data[0]
    assert list(bar.x) == ["z2", "z0", "z3", "z1"]
    assert list(bar.marker.color) == [latent_figures.ACTIVE_COLOUR] * 3 + [
        latent_figures.INACTIVE_COLOUR]
    assert "3 of 4 active" in fig.layout.title.text


def test_dimension_labels_name_the_factor_each_dimension_carries_most():
    information = np.array([[0.1, 0.8], [0.3, 0.2], [0.0, 0.0]])
    labels = latent_figures.dimension_labels(np.array([2.0, 1.0, 0.0]), information,
                                             ("shape", "x"))
    assert labels == ["z0 · 2.00 nats · x 0.80", "z1 · 1.00 nats · shape 0.30",
                      "z2 · 0.00 nats · inactive"]


def test_the_traversal_grid_has_a_labelled_row_per_dimension_most_kl_first():
    images = np.random.default_rng(0).uniform(size=(3, 5, 8, 8, 3)).astype(np.float32)
    fig = latent_figures.traversal_grid(images, np.linspace(-3, 3, 5), np.array([0.1, 2.0, 1.0]))
    labels = list(fig.layout.yaxis.ticktext)
    assert [label.split(" ")[0] for label in labels] == ["z1", "z2", "z0"]
    assert list(fig.layout.xaxis.ticktext) == ["-3.0", "-1.5", "+0.0", "+1.5", "+3.0"]


def test_the_factor_heatmap_rows_follow_the_kl():
    fig = latent_figures.factor_heatmap(np.array([[0.1, 0.2], [0.9, 0.0]]), ("size", "x"),
                                        kl=np.array([0.5, 4.0]))
    assert list(fig.data[0].y) == ["z1", "z0"] and list(fig.data[0].x) == ["size", "x"]
    assert fig.data[0].z[0][0] == 0.9


def test_64_dimensions_by_11_steps_are_decoded_and_drawn_quickly():
    ae = aelib.build("vae", latent_dim=64, image_shape=(32, 32, 3), seed=0)
    started = time.perf_counter()
    values = np.linspace(-3, 3, 11)
    images = aelib.analysis.latent_traversal(ae, np.zeros(64), values)
    fig = latent_figures.traversal_grid(images, values, np.ones(64))
    fig.to_json()
    assert time.perf_counter() - started < 5  # 1 s on a quiet machine (bench/)
    assert images.shape == (64, 11, 32, 32, 3)


def test_the_posterior_ellipse_is_the_mean_plus_minus_two_standard_deviations():
    ae = aelib.build("vae", latent_dim=2, intermediate_dim=16, seed=0)
    image = aelib.load_dataset("bundled").x_test[0]
    draws = aelib.analysis.posterior_draws(ae, image, num_samples=5, seed=1)
    mean, log_var = ae.posterior(image[None])
    assert np.allclose(draws.mean, mean[0], atol=1e-6)
    assert np.allclose(draws.std, np.exp(0.5 * log_var[0]), rtol=1e-5)
    assert draws.samples.shape == (5, 2) and draws.images.shape == (5, 28, 28, 1)
    fig = latent_figures.posterior_ellipse(np.zeros((3, 2)), draws)
    ellipse = fig.data[1]
    assert max(ellipse.x) == np.float64(draws.mean[0] + 2 * draws.std[0])
    assert min(ellipse.y) < draws.mean[1] - 1.99 * draws.std[1]


def test_a_replay_grid_shows_the_snapshots_dimensions_most_kl_first():
    ae = aelib.build("vae", latent_dim=3, intermediate_dim=16, seed=0)
    image = aelib.load_dataset("bundled").x_test[0]
    shot = aelib.analysis.latent_snapshot(ae, image, np.array([0.2, 1.5, 0.0]), epoch=4)
    fig = latent_figures.replay_grid(shot)
    assert [label.split(" ")[0] for label in fig.layout.yaxis.ticktext] == ["z1", "z0", "z2"]
    assert fig.layout.title.text == "Traversals after epoch 4"
