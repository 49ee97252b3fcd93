"""`aelib.model.sizes`: parameter counts and code shapes without Keras, checked against models."""

import subprocess
import sys

import pytest

import aelib
from aelib.model import sizes

SHAPES = [(28, 28, 1), (32, 32, 3), (64, 64, 1), (9, 13, 3), (30, 17, 1)]
VARIANTS = [(name, {}) for name in aelib.ARCHITECTURES] + [
    ("deep", {"hidden_units": (50, 7)}),
    ("conv", {"filters": (5,)}),
    ("denoising", {"filters": (4, 5, 6)}),
    ("lstm", {"latent_dim": 9, "decoder_units": 11}),
    ("vae", {"network": "conv"}),
    ("vae", {"network": "conv", "filters": (8, 16, 4), "latent_dim": 3}),
]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("name, hparams", VARIANTS,
                         ids=[f"{n}-{'-'.join(map(str, h.values())) or 'defaults'}"
                              for n, h in VARIANTS])
def test_sizes_match_the_built_model(name, hparams, shape):
    ae = aelib.build(name, image_shape=shape, **hparams)
    expected = sizes.summary(name, hparams, shape)
    assert expected.parameters == ae.autoencoder.count_params()
    assert expected.code_shape == ae.code_shape


def test_the_tutorial_sizes_on_mnist():
    assert sizes.summary("dense") == sizes.SizeSummary(50_992, (32,))
    assert sizes.summary("conv") == sizes.SizeSummary(4_385, (4, 4, 8))
    assert sizes.summary("conv", image_shape=(28, 28)) == sizes.summary("conv")


def test_bad_input_fails_as_build_does():
    with pytest.raises(ValueError, match="encoding_dim=0 is not allowed"):
        sizes.summary("dense", {"encoding_dim": 0})
    with pytest.raises(ValueError, match="outside the limit of 8 to 64 pixels per side"):
        sizes.summary("dense", image_shape=(1, 1, 1))


def test_importing_sizes_or_aelib_loads_no_keras_or_backend():
    code = ("import sys, aelib, aelib.model.sizes; "
            "aelib.model.sizes.summary('vae', {'network': 'conv'}, (32, 32, 3)); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'keras', 'tensorflow', 'jax', 'torch'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
