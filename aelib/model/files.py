"""Models in and out: `save_model_file` writes an `Autoencoder` as a `.keras` file, and
`load_model_file` reads one back, refusing anything it cannot vouch for.

A `.keras` file is a zip of `config.json` (the model's structure), `metadata.json` and the
weights; ours also carries `aelib.json` (architecture, hyperparameters, image shape, seed).
`load_model_file` bounds every cost before paying it: the archive first (its size, member names
and each member's size, so the JSON it parses is small), then `config.json` (nesting depth, and
only the layer and object classes our architectures use: a Lambda layer, a custom module or an
unknown class is refused with the reason), then `aelib.json` (a valid architecture,
hyperparameters within their specs, a parameter budget). The model returned is a fresh build of
what `aelib.json` declares: Keras never builds the model `config.json` describes, so no layer
the file names is made at a size it asks for, and no code from the file runs. The weights are
checked with h5py from their headers before any value is read (`aelib.model.weights`), then
loaded into that build: by its own layout, or, for a model saved by the standalone Keras script
of "Show the code" (`aelib.runs.snippets.keras_script`), which has no aelib classes (no noise
layer, a plain functional VAE), in the order of the file's layers. Both must match the build
weight for weight.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
import zlib
from pathlib import Path

import h5py

from aelib.architectures import get_architecture
from aelib.model.autoencoder import Autoencoder, build
from aelib.model.weights import check_weights, ordered_weights
from aelib.images import image_shape as checked_image_shape
from aelib.params import resolve
from aelib.settings import training_spec
from aelib.settings import OPTIMIZERS

METADATA_MEMBER = "aelib.json"
WEIGHTS_MEMBER = "model.weights.h5"
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PARAMETERS = 5_000_000
# Each member's unpacked size: the JSON is parsed whole, so it is capped well above what any of
# our models writes (a conv VAE's config.json is ~20 KB, its aelib.json under 1 KB).
MAX_MEMBER_BYTES = {"config.json": 1024 * 1024, "metadata.json": 64 * 1024,
                    METADATA_MEMBER: 64 * 1024, WEIGHTS_MEMBER: MAX_UNPACKED_BYTES}
EXPECTED_MEMBERS = set(MAX_MEMBER_BYTES)
ALLOWED_CLASSES = {
    # layers and models our architectures are made of
    "InputLayer", "Dense", "Conv2D", "MaxPooling2D", "UpSampling2D", "Cropping2D", "LSTM",
    "RepeatVector", "Functional", "NoisyInput", "VariationalAutoencoder", "Reshape",
    "Conv2DTranspose", "TopK", "TopKAutoencoder",
    # what those layers' configs name
    "DTypePolicy", "GlorotUniform", "Orthogonal", "Zeros", "L1", "__keras_tensor__",
    # what a compiled model's config names: its optimizer's class and its loss
    *(class_name for class_name, _ in OPTIMIZERS.values()), "BinaryCrossentropy",
}
ALLOWED_MODULES = ("keras", "aelib.architectures")


def model_metadata(architecture: str, hparams: dict, image_shape: tuple[int, int, int],
                   seed: int) -> dict:
    """What the `aelib.json` member of a model file holds, as plain JSON types."""
    return {"architecture": architecture,
            "hparams": {name: list(value) if isinstance(value, tuple) else value
                        for name, value in hparams.items()},
            "image_shape": list(image_shape), "seed": seed}


def save_model_file(ae: Autoencoder, path: str | os.PathLike) -> Path:
    """Write `ae` to `path` (a `.keras` file) atomically: a temporary file, then a rename, so a
    crash never leaves a half-written model behind."""
    path = Path(path)
    metadata = model_metadata(ae.architecture, ae.hparams, ae.image_shape, ae.seed)
    fd, temporary = tempfile.mkstemp(suffix=".keras", dir=path.parent)
    os.close(fd)
    try:
        ae.autoencoder.save(temporary)
        with zipfile.ZipFile(temporary, "a") as archive:
            archive.writestr(METADATA_MEMBER, json.dumps(metadata))
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return path


def _refuse(reason: str) -> ValueError:
    return ValueError(f"This model file was refused: {reason}")


def _check_archive(path: Path) -> tuple[dict, dict]:
    if not path.name.endswith(".keras"):
        raise _refuse(f"expected a Keras 3 '.keras' file, got '{path.name}' (HDF5 '.h5' and "
                      "SavedModel files are not accepted).")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise _refuse(f"it is {path.stat().st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}.")
    if not zipfile.is_zipfile(path):
        raise _refuse("it is not a zip archive, so not a Keras 3 '.keras' file.")
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        names = {m.filename for m in members}
        strange = sorted(names - EXPECTED_MEMBERS)
        if strange:
            raise _refuse(f"unexpected archive members {strange}; a model saved by aelib has "
                          f"exactly {sorted(EXPECTED_MEMBERS)}.")
        if METADATA_MEMBER not in names:
            raise _refuse(f"it has no '{METADATA_MEMBER}': it was not saved by Autoencoder Lab "
                          "(aelib.save_model_file or the Runs page's download).")
        unpacked = sum(m.file_size for m in members)
        if unpacked > MAX_UNPACKED_BYTES:
            raise _refuse(f"it unpacks to {unpacked:,} bytes; the limit is "
                          f"{MAX_UNPACKED_BYTES:,}.")
        for member in members:
            if member.file_size > MAX_MEMBER_BYTES[member.filename]:
                raise _refuse(f"its '{member.filename}' unpacks to {member.file_size:,} bytes; "
                              f"the limit is {MAX_MEMBER_BYTES[member.filename]:,}.")
        try:
            config = json.loads(archive.read("config.json"))
            metadata = json.loads(archive.read(METADATA_MEMBER))
        except RecursionError as error:
            raise _refuse("its config or metadata is nested too deeply to be a model.") from error
        except (KeyError, ValueError, UnicodeDecodeError, zipfile.BadZipFile, EOFError,
                RuntimeError, NotImplementedError, zlib.error) as error:
            raise _refuse(f"its config or metadata could not be read ({error}).") from error
    return config, metadata


MAX_CONFIG_DEPTH = 64  # nesting of config.json (ours: about 12)


def _classes(config, found: set, depth: int = 0) -> set:
    if depth > MAX_CONFIG_DEPTH:
        raise _refuse(f"its config is nested more than {MAX_CONFIG_DEPTH} levels deep.")
    if isinstance(config, dict):
        if "class_name" in config:
            module = config.get("module")
            found.add((None if module is None else str(module), str(config["class_name"])))
        for value in config.values():
            _classes(value, found, depth + 1)
    elif isinstance(config, list):
        for value in config:
            _classes(value, found, depth + 1)
    return found


def _check_config(config: dict) -> None:
    if not isinstance(config, dict):
        raise _refuse("its config.json is not an object.")
    for module, class_name in sorted(_classes(config, set()), key=str):
        if class_name not in ALLOWED_CLASSES:
            raise _refuse(f"it uses the class '{class_name}', which no Autoencoder Lab model "
                          "uses (Lambda layers and custom code are never loaded).")
        if module is not None and not module.startswith(ALLOWED_MODULES):
            raise _refuse(f"'{class_name}' comes from the module '{module}'; only Keras and "
                          "aelib modules are accepted.")


def _check_metadata(metadata) -> tuple[str, dict, tuple[int, int, int], int]:
    if not isinstance(metadata, dict):
        raise _refuse(f"'{METADATA_MEMBER}' is not an object.")
    try:
        architecture = get_architecture(metadata.get("architecture"))
        hparams = resolve(architecture.params, dict(metadata.get("hparams") or {}),
                          f"Architecture {architecture.name!r}")
        # Files from before colour images hold (height, width): one channel.
        image_shape = checked_image_shape(metadata.get("image_shape", (28, 28)))
        seed = resolve([training_spec("seed")], {"seed": metadata.get("seed", 0)},
                       "The model's")["seed"]
    except (ValueError, TypeError, OverflowError) as error:
        raise _refuse(f"its '{METADATA_MEMBER}' is invalid: {error}") from error
    return architecture.name, hparams, image_shape, seed


def load_model_file(path: str | os.PathLike) -> Autoencoder:
    """Read a `.keras` file written by `save_model_file` (or by the script of
    `aelib.runs.snippets.keras_script`), after checking it.

    Returns:
        A fresh build of the declared architecture, hyperparameters, image shape and seed,
        carrying the file's weights.

    Raises:
        ValueError: saying why the file was refused: not a `.keras` zip, too large, unexpected
            members, missing or invalid aelib metadata, a class outside the allowlist, a model
            that does not match its declared architecture, or one Keras cannot load.
    """
    path = Path(path)
    config, metadata = _check_archive(path)
    _check_config(config)
    name, hparams, image_shape, seed = _check_metadata(metadata)
    reference = build(name, seed=seed, image_shape=image_shape, **hparams)
    parameters = reference.autoencoder.count_params()
    if parameters > MAX_PARAMETERS:
        raise _refuse(f"it has {parameters:,} parameters; the limit is {MAX_PARAMETERS:,}.")
    with tempfile.TemporaryDirectory(prefix="aelib-model-") as folder:
        with zipfile.ZipFile(path) as archive:
            weights_path = Path(archive.extract(WEIGHTS_MEMBER, folder))
        try:
            weights = h5py.File(weights_path, "r")
        except OSError as error:
            raise _refuse(f"its weights are not an HDF5 file ({error}).") from error
        with weights:
            check_weights(weights, parameters)
            _load_weights(reference, weights_path, weights, config)
    return reference


def _load_weights(reference: Autoencoder, weights_path: Path, weights: h5py.File,
                  config: dict) -> None:
    """Give `reference` the checked file's weights, never building the model the file's
    config describes: by the reference's own layout (a file aelib saved), or else in the
    order of the file's layers (the flat model of the standalone Keras script)."""
    try:
        reference.autoencoder.load_weights(str(weights_path))
        return
    except ValueError:
        pass  # laid out otherwise: read in the order of the file's layers
    except Exception as error:  # Keras and h5py raise many types for a damaged file
        raise _refuse(f"its weights could not be read ({type(error).__name__}).") from error
    shapes = [tuple(weight.shape) for weight in reference.autoencoder.weights]
    declared = f"a '{reference.architecture}' model with {reference.hparams}"
    reference.autoencoder.set_weights(ordered_weights(weights, config, shapes, declared))


def model_file_bytes(ae: Autoencoder) -> bytes:
    """The bytes of `ae`'s model file (`save_model_file`), to store or to send."""
    with tempfile.TemporaryDirectory(prefix="aelib-model-") as folder:
        return save_model_file(ae, Path(folder) / "model.keras").read_bytes()


def load_model_bytes(filename: str, data: bytes) -> Autoencoder:
    """`load_model_file` for a model that arrives as bytes (an upload), named `filename`.

    Raises:
        ValueError: as `load_model_file`, saying why the file was refused.
    """
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(f"it is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}.")
    with tempfile.TemporaryDirectory(prefix="aelib-upload-") as folder:
        path = Path(folder) / (Path(filename).name or "model")
        path.write_bytes(data)
        return load_model_file(path)
