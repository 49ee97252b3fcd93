import keras
import numpy as np
import pytest

import aelib
from aelib.architectures.vae import (TC_TERMS, VariationalAutoencoder, kl_per_dimension,
                                     tc_decomposition)


def _kl_divergence(z_mean, z_log_var):
    """Mean over images of the KL summed over dimensions."""
    return keras.ops.mean(keras.ops.sum(kl_per_dimension(z_mean, z_log_var), axis=-1))


def test_kl_uses_the_log_variance_formula():
    z_mean = np.array([[0.5, -1.0]], np.float32)
    z_log_var = np.array([[np.log(4.0), 0.0]], np.float32)
    variance = np.exp(z_log_var)
    expected = 0.5 * np.sum(variance + z_mean**2 - 1 - z_log_var)
    got = float(keras.ops.convert_to_numpy(_kl_divergence(z_mean, z_log_var)))
    assert got == pytest.approx(expected, rel=1e-5)
    zero = _kl_divergence(np.zeros((3, 2), np.float32), np.zeros((3, 2), np.float32))
    assert float(keras.ops.convert_to_numpy(zero)) == pytest.approx(0.0, abs=1e-7)


def test_history_reports_both_terms_and_loss_is_their_weighted_sum(small_data):
    ae = aelib.build("vae", seed=0, beta=2.0)
    result = aelib.train(ae, small_data, epochs=2, batch_size=64)
    h = result.history
    for prefix in ("", "val_"):
        total = np.array(h[f"{prefix}loss"])
        parts = np.array(h[f"{prefix}reconstruction_loss"]) + 2.0 * np.array(
            h[f"{prefix}kl_loss"]) / 784
        np.testing.assert_allclose(total, parts, rtol=1e-4)
    assert h["val_kl_loss"][-1] > 0


def test_beta_zero_leaves_the_latent_unregularised(small_data):
    kl = {}
    for beta in (0.0, 1.0):
        ae = aelib.build("vae", seed=0, beta=beta)
        kl[beta] = aelib.train(ae, small_data, epochs=3, batch_size=64).history["val_kl_loss"][-1]
    assert kl[0.0] > kl[1.0]


def test_encoder_gives_the_mean_and_decoder_generates(small_data):
    ae = aelib.build("vae", seed=0)
    aelib.train(ae, small_data, epochs=1, batch_size=64)
    z_mean, _ = ae.autoencoder.encoder(ae.to_model_input(small_data.x_test[:4]))
    np.testing.assert_allclose(ae.encode(small_data.x_test[:4]),
                               keras.ops.convert_to_numpy(z_mean), atol=1e-6)
    samples = ae.decode(np.random.default_rng(0).standard_normal((5, 2)))
    assert samples.shape == (5, 28, 28, 1) and 0 <= samples.min() and samples.max() <= 1


def test_saves_and_loads_as_keras_file_and_evaluates(tmp_path, small_data):
    ae = aelib.build("vae", seed=0, latent_dim=3, beta=0.5)
    aelib.train(ae, small_data, epochs=1, batch_size=64)
    path = tmp_path / "vae.keras"
    ae.autoencoder.save(path)
    loaded = keras.models.load_model(path)  # safe_mode stays on: registered classes only
    assert isinstance(loaded, VariationalAutoencoder) and loaded.beta == 0.5
    x = ae.to_model_input(small_data.x_test)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(x)), keras.ops.convert_to_numpy(ae.autoencoder(x)),
        atol=1e-6)
    loaded.compile(optimizer="adam")
    scores = loaded.evaluate(x, x, verbose=0, return_dict=True)
    assert set(scores) == {"loss", "reconstruction_loss", "kl_loss", "kl_dim_0", "kl_dim_1",
                           "kl_dim_2"}
    assert scores["loss"] == pytest.approx(
        scores["reconstruction_loss"] + 0.5 * scores["kl_loss"] / 784, rel=1e-4)


def test_the_tutorials_loss_weighting_collapses_the_latent_space(bundled):
    data = bundled.subset(2000, 200, seed=0)
    kl, spread = {}, {}
    for weighting in ("corrected", "tutorial"):
        ae = aelib.build("vae", seed=0, loss_weighting=weighting)
        kl[weighting] = aelib.train(ae, data, epochs=3, batch_size=64).history["kl_loss"][-1]
        manifold, _ = aelib.explore.analysis.latent_grid(ae, size=7)
        spread[weighting] = manifold.reshape(49, -1).std(axis=0).mean()  # digits differ?
    assert kl["tutorial"] < kl["corrected"] / 10  # KL weighed 784 times too much: ~0 nats
    assert spread["tutorial"] < spread["corrected"] / 2  # the manifold is one blurry digit


def test_the_loss_weighting_survives_a_model_file(tmp_path):
    ae = aelib.build("vae", loss_weighting="tutorial")
    path = aelib.save_model_file(ae, tmp_path / "vae.keras")
    assert aelib.load_model_file(path).autoencoder.loss_weighting == "tutorial"


def test_the_history_has_the_kl_of_every_dimension_summing_to_the_kl(small_data):
    ae = aelib.build("vae", seed=0, latent_dim=3)
    h = aelib.train(ae, small_data, epochs=2, batch_size=64).history
    for prefix in ("", "val_"):
        parts = sum(np.array(h[f"{prefix}kl_dim_{i}"]) for i in range(3))
        np.testing.assert_allclose(parts, h[f"{prefix}kl_loss"], rtol=1e-4)
    assert "kl_dim_3" not in h and "total_correlation" not in h


def test_the_tc_terms_sum_to_the_kl_on_average():
    rng = np.random.default_rng(0)
    z_mean = rng.normal(size=(64, 4)).astype(np.float32)
    z_log_var = rng.uniform(-2, 0, size=(64, 4)).astype(np.float32)
    kl = float(keras.ops.convert_to_numpy(_kl_divergence(z_mean, z_log_var)))
    sums = []
    for _ in range(200):
        z = z_mean + np.exp(0.5 * z_log_var) * rng.normal(size=z_mean.shape).astype(np.float32)
        terms = keras.ops.convert_to_numpy(tc_decomposition(z, z_mean, z_log_var, 1000.0))
        sums.append(terms.sum())
    assert np.mean(sums) == pytest.approx(kl, rel=0.02)  # a one-sample estimate, averaged


def test_the_tc_of_independent_codes_is_small_and_of_a_duplicated_code_large():
    rng = np.random.default_rng(1)
    log_var = np.full((256, 2), -4.0, np.float32)
    independent = rng.normal(size=(256, 2)).astype(np.float32)
    same = np.repeat(independent[:, :1], 2, axis=1)

    def total_correlation(mean):
        z = mean + np.exp(0.5 * log_var) * rng.normal(size=mean.shape).astype(np.float32)
        return float(keras.ops.convert_to_numpy(tc_decomposition(z, mean, log_var, 256.0))[1])

    assert total_correlation(same) > total_correlation(independent) + 1.0


def test_beta_tcvae_reports_its_three_terms_and_weighs_the_tc_by_beta(small_data):
    ae = aelib.build("vae", seed=0, latent_dim=3, objective="beta_tcvae", beta=6.0)
    h = aelib.train(ae, small_data, epochs=2, batch_size=64).history
    for prefix in ("", "val_"):
        terms = np.array([h[f"{prefix}{name}"] for name in TC_TERMS])
        assert np.isfinite(terms).all()
        weighted = terms[0] + 6.0 * terms[1] + terms[2]
        np.testing.assert_allclose(h[f"{prefix}loss"], np.array(
            h[f"{prefix}reconstruction_loss"]) + weighted / 784, rtol=1e-3)


def test_kl_warm_up_starts_at_zero_and_rises_linearly(small_data):
    ae = aelib.build("vae", seed=0, kl_warmup_epochs=2, beta=3.0)
    h = aelib.train(ae, small_data, epochs=3, batch_size=64).history
    weights = [0.0, 0.5, 1.0]  # epoch / 2, up to 1
    expected = np.array(h["reconstruction_loss"]) + 3.0 * np.array(weights) * np.array(
        h["kl_loss"]) / 784
    np.testing.assert_allclose(h["loss"], expected, rtol=1e-4)


def test_capacity_annealing_pulls_the_kl_to_a_rising_target(small_data):
    ae = aelib.build("vae", seed=0, capacity_gamma=50.0, capacity_max=8.0, capacity_epochs=4)
    h = aelib.train(ae, small_data, epochs=3, batch_size=64, initial_epoch=1).history
    capacity = 8.0 * np.array([1, 2, 3]) / 4  # epochs 1, 2 and 3 (counted from 0)
    expected = np.array(h["reconstruction_loss"]) + 50.0 * np.abs(
        np.array(h["kl_loss"]) - capacity) / 784
    # |KL - C| of the epoch's mean KL bounds the mean of each batch's |KL - C| from below.
    assert np.all(np.array(h["loss"]) >= expected - 1e-5)
    assert h["kl_loss"][-1] < 3 * 8.0


def test_capacity_annealing_and_beta_tcvae_do_not_mix():
    with pytest.raises(ValueError, match="capacity_gamma=0 or objective='beta_vae'"):
        aelib.build("vae", objective="beta_tcvae", capacity_gamma=10.0)


@pytest.mark.parametrize("network", ["dense", "conv"])
def test_the_beta_vae_family_survives_a_model_file(tmp_path, network):
    hparams = {"objective": "beta_tcvae", "kl_warmup_epochs": 4, "capacity_max": 12.5,
               "capacity_epochs": 7, "beta": 4.0, "network": network, "latent_dim": 10}
    ae = aelib.build("vae", image_shape=(32, 32, 3), **hparams)
    loaded = aelib.load_model_file(aelib.save_model_file(ae, tmp_path / "vae.keras"))
    assert {name: loaded.hparams[name] for name in hparams} == hparams
    model = loaded.autoencoder
    assert (model.objective, model.kl_warmup_epochs, model.capacity_max,
            model.capacity_epochs) == ("beta_tcvae", 4, 12.5, 7)
