import keras
import numpy as np
import pytest

import aelib
from aelib.architectures.vae import VariationalAutoencoder, _kl_divergence


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
    assert set(scores) == {"loss", "reconstruction_loss", "kl_loss"}
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
