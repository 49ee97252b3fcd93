"""Every architecture on images of every kind: 28x28 grey, 32x32 colour, 64x64 grey. Each one
builds, trains two epochs and gives the right shapes everywhere: codes, decodings,
reconstructions, metrics, figures, and a saved and reloaded model file."""

import base64
import io
import json
import zipfile

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

import aelib
from aelib.explore import analysis, figures
from aelib.model import sizes
from aelib.model.files import load_model_file, save_model_file
from aelib.data.shapes import make_shapes

SHAPES = {"28x28x1": (28, 28, 1), "32x32x3": (32, 32, 3), "64x64x1": (64, 64, 1)}
N_TRAIN, N_TEST = 64, 16


@pytest.fixture(scope="module")
def datasets(bundled):
    """Tiny seeded datasets: MNIST digits, coloured shapes, and big grey shapes."""
    colour, colour_factors = make_shapes(N_TRAIN + N_TEST, 32, seed=1)
    big = make_shapes(N_TRAIN + N_TEST, 64, seed=2)[0].mean(axis=3, keepdims=True)
    return {
        "28x28x1": bundled.subset(N_TRAIN, N_TEST, seed=0),
        "32x32x3": aelib.Dataset.from_arrays(colour, colour_factors["shape"],
                                             test_fraction=N_TEST / (N_TRAIN + N_TEST)),
        "64x64x1": aelib.Dataset.from_arrays(big, test_fraction=N_TEST / (N_TRAIN + N_TEST)),
    }


def png_pixels(trace) -> np.ndarray:
    """The RGB pixels of a `go.Image` drawn from a PNG data URI."""
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(trace.source.split(",", 1)[1]))))


@pytest.mark.parametrize("shape_name", SHAPES)
@pytest.mark.parametrize("name", aelib.ARCHITECTURES)
def test_every_architecture_on_every_image_shape(name, shape_name, datasets, tmp_path):
    shape, data = SHAPES[shape_name], datasets[shape_name]
    assert data.image_shape == shape
    ae = aelib.build(name, seed=0, image_shape=shape)
    result = aelib.train(ae, data, epochs=2, batch_size=32, seed=0)
    assert len(result.history["loss"]) == 2 and np.isfinite(result.history["val_loss"]).all()

    x = data.x_test
    codes = ae.encode(x)
    assert codes.shape == (N_TEST, *ae.code_shape)
    assert ae.code_shape == sizes.summary(name, image_shape=shape).code_shape
    decoded = ae.decode(codes)
    assert decoded.shape == (N_TEST, *shape) and 0 <= decoded.min() <= decoded.max() <= 1
    np.testing.assert_allclose(ae.reconstruct(x), decoded, atol=1e-5)

    metrics = analysis.run_metrics(ae, data)
    assert metrics["test_loss"] > 0 and metrics["psnr"] > 0 and -1 < metrics["ssim"] <= 1
    assert metrics["pca_psnr"] > 0 and np.isfinite(metrics["pca_loss"])

    fig = figures.reconstruction_grid(x[:4], decoded[:4])
    mosaic = (2 * shape[0] + 2, 4 * shape[1] + 3 * 2)  # two rows, four columns, 2-pixel gaps
    if shape[2] == 3:
        assert isinstance(fig.data[0], go.Image)
        pixels = png_pixels(fig.data[0])
        assert pixels.shape == (*mosaic, 3)
        np.testing.assert_allclose(pixels[:shape[0], :shape[1]] / 255, x[0], atol=0.5 / 255)
    else:
        assert isinstance(fig.data[0], go.Heatmap)
        assert np.asarray(fig.data[0].z).shape == mosaic

    path = save_model_file(ae, tmp_path / f"{name}.keras")
    with zipfile.ZipFile(path) as archive:
        assert json.loads(archive.read("aelib.json"))["image_shape"] == list(shape)
    loaded = load_model_file(path)
    assert loaded.image_shape == shape
    np.testing.assert_allclose(loaded.reconstruct(x), decoded, atol=1e-5)


@pytest.mark.parametrize("network", ["dense", "conv"])
def test_the_vae_makes_a_colour_manifold(network, datasets, tmp_path):
    data = datasets["32x32x3"]
    ae = aelib.build("vae", seed=0, image_shape=(32, 32, 3), network=network)
    aelib.train(ae, data, epochs=2, batch_size=32)
    images, values = analysis.latent_grid(ae, size=5)
    assert images.shape == (5, 5, 32, 32, 3)
    fig = figures.latent_manifold(images, values)
    assert png_pixels(fig.data[0]).shape == (5 * 32 + 4 * 2, 5 * 32 + 4 * 2, 3)
    path = analysis.interpolate(ae, data.x_test[0], data.x_test[1], steps=4)
    assert path.shape == (4, 32, 32, 3)
    loaded = load_model_file(save_model_file(ae, tmp_path / "vae.keras"))
    np.testing.assert_allclose(loaded.decode(values[:2]), ae.decode(values[:2]), atol=1e-5)


@pytest.mark.parametrize("name", ["dense", "vae"])
def test_mean_squared_error_reaches_training_metrics_and_the_run(name, datasets, tmp_path):
    data = datasets["32x32x3"]
    ae = aelib.build(name, seed=0, image_shape=(32, 32, 3), loss="mse")
    result = aelib.train(ae, data, epochs=2, batch_size=32)
    mse = analysis.reconstruction_errors(data.x_test, ae.reconstruct(data.x_test), "mse").mean()
    # The validation loss is the mean squared error (the VAE's reconstruction term is).
    logged = result.history["val_reconstruction_loss" if name == "vae" else "val_loss"][-1]
    assert logged == pytest.approx(mse, rel=1e-3)
    metrics = analysis.run_metrics(ae, data)
    assert metrics["test_loss"] == pytest.approx(mse, rel=1e-6)
    store = aelib.RunStore(tmp_path)
    run = store.load(store.save(ae, data, {"epochs": 2}, result.history, metrics=metrics))
    assert run.record.hparams["loss"] == "mse" and run.ae.loss == "mse"
