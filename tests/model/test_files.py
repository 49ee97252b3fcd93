"""Round trip of model files, and a crafted file for every reason to refuse one."""

import io
import json
import zipfile

import h5py
import keras
import numpy as np
import pytest

import aelib
from aelib.model import files as model_files
from aelib.model.files import load_model_file, save_model_file
from tests.support.bounded import measure


@pytest.fixture(scope="module")
def saved(tmp_path_factory, small_data):
    ae = aelib.build("conv", seed=0, filters=(8, 4))
    aelib.train(ae, small_data, epochs=1, batch_size=64)
    path = tmp_path_factory.mktemp("models") / "conv.keras"
    save_model_file(ae, path)
    return ae, path


def rewrite(source, target, change):
    """Copy the archive `source` to `target`, letting `change(name, data)` edit each member
    (return None to drop it), then add any extra members `change` returns for name None."""
    with zipfile.ZipFile(source) as original, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in original.infolist():
            data = change(info.filename, original.read(info.filename))
            if data is not None:
                out.writestr(info.filename, data)
        for name, data in (change(None, None) or {}).items():
            out.writestr(name, data)
    return target


@pytest.mark.parametrize("name", aelib.ARCHITECTURES)
def test_round_trip_gives_the_same_predictions(tmp_path, name, small_data):
    ae = aelib.build(name, seed=1)
    path = save_model_file(ae, tmp_path / f"{name}.keras")
    loaded = load_model_file(path)
    assert (loaded.architecture, loaded.hparams, loaded.seed) == (name, ae.hparams, 1)
    x = small_data.x_test[:16]
    np.testing.assert_allclose(loaded.reconstruct(x), ae.reconstruct(x), atol=1e-6)
    np.testing.assert_allclose(loaded.encode(x), ae.encode(x), atol=1e-6)


def test_trained_model_round_trips_and_no_temporary_file_is_left(saved, small_data):
    ae, path = saved
    np.testing.assert_allclose(load_model_file(path).reconstruct(small_data.x_test),
                               ae.reconstruct(small_data.x_test), atol=1e-6)
    assert sorted(p.name for p in path.parent.iterdir()) == ["conv.keras"]


def test_refuses_h5_files(tmp_path, saved):
    path = tmp_path / "model.h5"
    path.write_bytes(saved[1].read_bytes())
    with pytest.raises(ValueError, match="expected a Keras 3 '.keras' file.*'.h5'"):
        load_model_file(path)


def test_refuses_a_file_that_is_not_a_zip(tmp_path):
    path = tmp_path / "fake.keras"
    path.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 100)
    with pytest.raises(ValueError, match="not a zip archive"):
        load_model_file(path)


def test_refuses_an_oversized_file(tmp_path, saved, monkeypatch):
    monkeypatch.setattr(model_files, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ValueError, match="the limit is 1,000"):
        load_model_file(saved[1])


def test_refuses_an_archive_that_unpacks_too_large(tmp_path, saved):
    bomb = rewrite(saved[1], tmp_path / "bomb.keras",
                   lambda name, data: data if name != "metadata.json"
                   else b"{" + b" " * (120 * 1024 * 1024) + b"}")
    with pytest.raises(ValueError, match="it unpacks to .* bytes; the limit"):
        load_model_file(bomb)


def test_refuses_unexpected_members_such_as_path_traversal(tmp_path, saved):
    evil = rewrite(saved[1], tmp_path / "evil.keras",
                   lambda name, data: {"../../evil.py": "print('x')"} if name is None else data)
    with pytest.raises(ValueError, match=r"unexpected archive members \['../../evil.py'\]"):
        load_model_file(evil)


def test_refuses_a_keras_file_not_saved_by_aelib(tmp_path):
    path = tmp_path / "plain.keras"
    aelib.build("dense").autoencoder.save(path)
    with pytest.raises(ValueError, match="no 'aelib.json': it was not saved by Autoencoder Lab"):
        load_model_file(path)


def test_refuses_a_lambda_layer_without_running_it(tmp_path):
    inputs = keras.Input((784,))
    model = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(inputs))
    path = tmp_path / "lambda.keras"
    model.save(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("aelib.json", json.dumps({"architecture": "dense"}))
    with pytest.raises(ValueError, match="uses the class 'Lambda'"):
        load_model_file(path)


def test_refuses_classes_from_unknown_modules(tmp_path, saved):
    def change(name, data):
        if name == "config.json":
            return data.replace(b'"module": "keras.layers"', b'"module": "os.system"', 1)
        return data

    with pytest.raises(ValueError, match="comes from the module 'os.system'"):
        load_model_file(rewrite(saved[1], tmp_path / "module.keras", change))


@pytest.mark.parametrize("metadata, message", [
    ({"architecture": "conv", "hparams": {"filters": [0]}},
     "aelib.json' is invalid: filters=.* is not allowed"),
    ({"architecture": "gan"}, "aelib.json' is invalid: Unknown architecture 'gan'"),
    ({"architecture": "conv", "hparams": {"filters": [8, 8]}},
     "weights do not match a 'conv' model"),
])
def test_refuses_metadata_that_is_invalid_or_does_not_match_the_weights(tmp_path, saved,
                                                                       metadata, message):
    def change(name, data):
        return json.dumps(metadata) if name == "aelib.json" else data

    with pytest.raises(ValueError, match=message):
        load_model_file(rewrite(saved[1], tmp_path / "meta.keras", change))


def test_refuses_too_many_parameters(saved, monkeypatch):
    monkeypatch.setattr(model_files, "MAX_PARAMETERS", 100)
    with pytest.raises(ValueError, match="parameters; the limit is 100"):
        load_model_file(saved[1])


def test_a_file_from_before_colour_images_still_loads(tmp_path, saved, small_data):
    """Older files hold image_shape (height, width) and no `loss` hyperparameter."""
    def change(name, data):
        if name != "aelib.json":
            return data
        metadata = json.loads(data)
        metadata["image_shape"] = [28, 28]
        del metadata["hparams"]["loss"]
        return json.dumps(metadata)

    old = load_model_file(rewrite(saved[1], tmp_path / "old.keras", change))
    assert old.image_shape == (28, 28, 1) and old.loss == "bce"
    x = small_data.x_test[:8]
    np.testing.assert_allclose(old.reconstruct(x), saved[0].reconstruct(x), atol=1e-6)


# --- hostile files cost little: every bound is checked before the cost is paid ---------------

def weights_file(build_h5) -> bytes:
    """A `model.weights.h5` made by `build_h5(h5py.File)`."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as out:
        build_h5(out)
    return buffer.getvalue()


def with_weights(saved_path, target, build_h5):
    data = weights_file(build_h5)
    return rewrite(saved_path, target, lambda name, old: data if name == "model.weights.h5"
                   else old)


HOSTILE_WEIGHTS = {
    # declares 40 GB of float32 and stores nothing: the file is a few KB
    "huge-shape": lambda out: out.create_dataset("layers/dense/vars/0", shape=(100_000, 100_000),
                                                 dtype="f4"),
    "external-link": lambda out: out.__setitem__("layers", h5py.ExternalLink("/etc/passwd", "/")),
    "soft-link": lambda out: (out.create_group("real"),
                              out.__setitem__("layers", h5py.SoftLink("/real"))),
    "text": lambda out: out.create_dataset("layers/dense/vars/0", data=["a", "b"]),
    "many-objects": lambda out: [out.create_group(f"g{i}") for i in range(10_001)],
    # one value whose chunk, the unit HDF5 reads, is a billion values
    "huge-chunks": lambda out: out.create_dataset("layers/dense/vars/0", shape=(1,), dtype="f4",
                                                  chunks=(1_000_000_000,), maxshape=(None,)),
}


@pytest.mark.parametrize("case, message", [
    ("huge-shape", "weights declare more than"),
    ("external-link", "link 'layers' to elsewhere"),
    ("soft-link", "link 'layers' to elsewhere"),
    ("text", "holds .*, not numbers"),
    ("many-objects", "more than 10,000 objects"),
    ("huge-chunks", "chunks larger than itself"),
])
def test_refuses_weights_that_would_cost_more_than_the_model_before_reading_them(
        tmp_path, saved, case, message):
    with pytest.raises(ValueError, match=message):
        load_model_file(with_weights(saved[1], tmp_path / f"{case}.keras", HOSTILE_WEIGHTS[case]))


def test_weights_declaring_gigabytes_are_refused_without_the_memory(tmp_path, saved):
    path = with_weights(saved[1], tmp_path / "huge.keras", HOSTILE_WEIGHTS["huge-shape"])
    measured = measure("import aelib", f"aelib.load_model_file({str(path)!r})")
    assert measured["outcome"].startswith("ValueError: This model file was refused: its weights "
                                          "declare more than")
    assert measured["grew_mib"] < 300  # a conv build and Keras's import; 40 GB declared


def first_layer(config, class_name):
    """The first layer config of `class_name` anywhere in a model's config."""
    if isinstance(config, dict):
        if config.get("class_name") == class_name:
            return config
        config = list(config.values())
    if isinstance(config, list):
        return next((found for value in config
                     if (found := first_layer(value, class_name)) is not None), None)
    return None


def test_a_config_asking_for_a_huge_layer_is_never_built(tmp_path, small_data):
    """Only aelib.json decides what is built: a first Dense of 500,000 units in config.json
    (1.5 GB of weights that Keras's own loading makes before it notices the next layer does not
    fit) costs nothing, and the model returned is the declared one with the file's weights."""
    ae = aelib.build("dense", seed=0)
    source = save_model_file(ae, tmp_path / "dense.keras")

    def change(name, data):
        if name != "config.json":
            return data
        config = json.loads(data)
        first_layer(config, "Dense")["config"]["units"] = 500_000
        return json.dumps(config)

    path = rewrite(source, tmp_path / "huge-layer.keras", change)
    measured = measure("import aelib", f"aelib.load_model_file({str(path)!r})")
    assert measured["outcome"] == "accepted" and measured["grew_mib"] < 300
    x = small_data.x_test[:8]
    np.testing.assert_allclose(load_model_file(path).reconstruct(x), ae.reconstruct(x),
                               atol=1e-6)


@pytest.mark.parametrize("member, data, message", [
    ("config.json", "[" * 100_000 + "]" * 100_000, "nested too deeply|nested more than"),
    ("config.json", json.dumps({"a": [[[]]] * 400_000}), "config.json' unpacks to .* the limit"),
    ("config.json", '{"class_name": ' + "[" * 70 + "]" * 70 + "}", "not an object|nested more"),
    ("aelib.json", '{"architecture": "conv", "seed": 1e400}', "aelib.json' is invalid"),
    ("aelib.json", '{"architecture": "conv", "seed": -1}', "aelib.json' is invalid"),
    ("aelib.json", '{"architecture": "conv", "seed": ' + "9" * 400 + "}", "aelib.json' is invalid"),
    ("aelib.json", '{"architecture": "conv", "hparams": {"filters": [NaN]}}',
     "aelib.json' is invalid"),
    ("aelib.json", '{"architecture": "conv", "image_shape": [1e400, 28]}',
     "aelib.json' is invalid"),
], ids=["deep-json", "big-json", "deep-config", "inf-seed", "negative-seed", "huge-seed",
        "nan-hparam", "inf-shape"])
def test_refuses_hostile_json_in_words(tmp_path, saved, member, data, message):
    path = rewrite(saved[1], tmp_path / "json.keras",
                   lambda name, old: data.encode() if name == member else old)
    with pytest.raises(ValueError, match=message):
        load_model_file(path)


def test_a_member_python_cannot_read_is_refused_in_words(tmp_path, saved):
    path = tmp_path / "damaged.keras"
    packed = bytearray(saved[1].read_bytes())
    start = packed.index(b"config.json") + len("config.json")  # inside its (deflated) bytes
    packed[start + 20:start + 40] = bytes(20)
    path.write_bytes(bytes(packed))
    with pytest.raises(ValueError, match="This model file was refused"):
        load_model_file(path)
