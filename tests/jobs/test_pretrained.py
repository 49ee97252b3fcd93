"""The pretrained models shipped with aelib: each loads through the upload's checks, quickly, and
gives back the test loss its manifest records; the files hold weights only and fit in 10 MB; and
the script that made them runs again (on tiny settings)."""

import json
import math
import shutil
import subprocess
import sys
import time
import zipfile

import h5py
import pytest

import aelib
from aelib.jobs import pretrained as shipped
from aelib.model.files import WEIGHTS_MEMBER
from tests.support import ROOT

MODELS = shipped.pretrained_models()
LOAD_SECONDS = 1.0  # the limit for loading one, Keras already imported


@pytest.fixture(scope="module")
def datasets():
    return {name: aelib.load_dataset(name) for name in {model.dataset for model in
                                                         MODELS.values()}}


def test_every_architecture_is_shipped_on_the_bundled_sample_and_a_vae_on_the_shapes():
    assert set(MODELS) == {(name, "bundled") for name in aelib.ARCHITECTURES} \
        | {("vae", "shapes")}
    assert set(MODELS) == {(s.architecture, s.dataset) for s in shipped.PRETRAINED_SETUPS}


@pytest.mark.parametrize("key", sorted(MODELS), ids="-".join)
def test_each_model_loads_quickly_and_reproduces_its_recorded_test_loss(key, datasets):
    record = MODELS[key]
    aelib.pretrained(*key)  # the first load of a process also builds Keras's functions
    started = time.perf_counter()
    ae = aelib.pretrained(*key)
    seconds = time.perf_counter() - started
    assert seconds <= LOAD_SECONDS
    assert (ae.architecture, ae.seed) == (record.architecture, record.seed)
    assert ae.hparams == aelib.build(record.architecture, **record.hparams).hparams
    assert shipped.loss_on_test_images(ae, datasets[record.dataset]) == \
        pytest.approx(record.test_loss, rel=1e-3)
    untrained = aelib.build(record.architecture, seed=record.seed,
                            image_shape=ae.image_shape, **record.hparams)
    some = datasets[record.dataset].subset(1, 256, seed=0)
    assert shipped.loss_on_test_images(untrained, some) > \
        1.2 * shipped.loss_on_test_images(ae, some)  # the training's loss, not any model's


def test_the_manifest_records_seed_settings_and_history():
    for record in MODELS.values():
        preset = aelib.REGISTRY[record.architecture].training
        assert record.settings == preset.settings(0)
        assert len(record.history["loss"]) == len(record.history["val_loss"]) == preset.epochs
        assert record.history["val_loss"][-1] < record.history["val_loss"][0]
    assert MODELS[("dense", "bundled")].describe() == (
        "Pretrained dense autoencoder (shipped with aelib, trained on the bundled MNIST "
        "sample, seed 0)")


def test_the_files_hold_weights_only_and_fit_in_ten_megabytes():
    total = 0
    for record in MODELS.values():
        path = shipped.PRETRAINED_DIR / record.file
        total += path.stat().st_size
        with zipfile.ZipFile(path) as archive:
            with archive.open(WEIGHTS_MEMBER) as member, h5py.File(member) as weights:
                assert "optimizer" not in weights  # what a compiled model's file adds
                stored = sum(item.size for item in _datasets(weights))
            config = json.loads(archive.read("config.json"))
        assert not config.get("compile_config")  # saved uncompiled: no optimizer, no loss
        ae = aelib.build(record.architecture, image_shape=_image_shape(record), **record.hparams)
        # the model's variables (its weights, and a seed generator's state) and nothing more
        assert ae.autoencoder.count_params() <= stored \
            <= sum(math.prod(v.shape) for v in ae.autoencoder.variables)
    assert total <= shipped.MAX_TOTAL_BYTES


def _datasets(group):
    found = []
    group.visititems(lambda _, item: found.append(item) if isinstance(item, h5py.Dataset)
                     else None)
    return found


def _image_shape(record):
    return {"bundled": (28, 28, 1), "shapes": (32, 32, 3)}[record.dataset]


def test_a_tampered_model_is_refused_as_an_upload_would_be(tmp_path):
    folder = tmp_path / "pretrained"
    shutil.copytree(shipped.PRETRAINED_DIR, folder)
    record = MODELS[("dense", "bundled")]
    path = folder / record.file
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("run_me.py", "print('no')")
    with pytest.raises(ValueError, match="refused: unexpected archive members"):
        aelib.pretrained("dense", folder=folder)


def test_an_unknown_model_is_refused_with_those_shipped():
    with pytest.raises(ValueError, match="No pretrained 'conv' model on 'shapes'; aelib ships "
                                         "'dense' on 'bundled'"):
        aelib.pretrained("conv", dataset="shapes")


def test_listing_them_loads_no_keras():
    code = ("import sys, aelib.jobs.pretrained as p; p.pretrained_models(); "
            "print(sorted(m for m in sys.modules if m.startswith(('keras', 'tensorflow'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert done.stdout.strip() == "[]", done.stderr


@pytest.mark.slow
def test_the_building_script_runs_again_on_tiny_settings(tmp_path, capsys):
    shipped.main(["--out", str(tmp_path), "--epochs", "1", "--train-size", "64",
                  "--only", "dense-bundled,vae-shapes"])
    assert "dense-bundled.keras: test loss" in capsys.readouterr().out
    built = shipped.pretrained_models(tmp_path)
    assert set(built) == {("dense", "bundled"), ("vae", "shapes")}
    for key, record in built.items():
        assert record.train_images == 64 and len(record.history["loss"]) == 1
        data = aelib.load_dataset(record.dataset)
        ae = aelib.pretrained(*key, folder=tmp_path)
        assert shipped.loss_on_test_images(ae, data) == pytest.approx(record.test_loss, rel=1e-3)
