"""Models in and out: `save_model_file` writes an `Autoencoder` as a `.keras` file, and
`load_model_file` reads one back, refusing anything it cannot vouch for.

A `.keras` file is a zip of `config.json` (the model's structure), `metadata.json` and the
weights; ours also carries `aelib.json` (architecture, hyperparameters, image shape, seed).
Before Keras sees a file, `load_model_file` checks the archive (size, member names and sizes),
then walks `config.json` and accepts only the layer and object classes our architectures use:
a Lambda layer, a custom module or an unknown class is refused with the reason, and no code from
the file runs. Only then does `keras.models.load_model` run, always with `safe_mode=True`, and
the file's weights must match a fresh build of the declared architecture parameter for
parameter. The model returned is that fresh build carrying the file's weights: what the file
declares decides the model's structure, not how the file nests its layers. So a model saved by
the standalone Keras script of "Show the code" (`aelib.runs.snippets.keras_script`), which has no
aelib classes (no noise layer, a plain functional VAE), opens as the lab's own model.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

import keras

from aelib.architectures import get_architecture
from aelib.model.autoencoder import Autoencoder, build
from aelib.images import image_shape as checked_image_shape
from aelib.params import resolve
from aelib.settings import OPTIMIZERS

METADATA_MEMBER = "aelib.json"
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PARAMETERS = 5_000_000
EXPECTED_MEMBERS = {"config.json", "metadata.json", "model.weights.h5", METADATA_MEMBER}
ALLOWED_CLASSES = {
    # layers and models our architectures are made of
    "InputLayer", "Dense", "Conv2D", "MaxPooling2D", "UpSampling2D", "Cropping2D", "LSTM",
    "RepeatVector", "Functional", "NoisyInput", "VariationalAutoencoder", "Reshape",
    "Conv2DTranspose",
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
        try:
            config = json.loads(archive.read("config.json"))
            metadata = json.loads(archive.read(METADATA_MEMBER))
        except (KeyError, ValueError, UnicodeDecodeError) as error:
            raise _refuse(f"its config or metadata is not valid JSON ({error}).") from error
    return config, metadata


def _classes(config, found: set) -> set:
    if isinstance(config, dict):
        if "class_name" in config:
            found.add((config.get("module"), config["class_name"]))
        for value in config.values():
            _classes(value, found)
    elif isinstance(config, list):
        for value in config:
            _classes(value, found)
    return found


def _check_config(config: dict) -> None:
    for module, class_name in sorted(_classes(config, set()), key=str):
        if class_name not in ALLOWED_CLASSES:
            raise _refuse(f"it uses the class '{class_name}', which no Autoencoder Lab model "
                          "uses (Lambda layers and custom code are never loaded).")
        if module is not None and not str(module).startswith(ALLOWED_MODULES):
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
        seed = int(metadata.get("seed", 0))
    except (ValueError, TypeError) as error:
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
    if reference.autoencoder.count_params() > MAX_PARAMETERS:
        raise _refuse(f"it has {reference.autoencoder.count_params():,} parameters; the limit "
                      f"is {MAX_PARAMETERS:,}.")
    try:
        model = keras.models.load_model(path, compile=False, safe_mode=True)
    except Exception as error:  # Keras raises many types for a malformed file
        raise _refuse(f"Keras could not load it ({type(error).__name__}: {error}).") from error
    shapes = [tuple(w.shape) for w in model.weights]
    if shapes != [tuple(w.shape) for w in reference.autoencoder.weights]:
        raise _refuse(f"its weights do not match a '{name}' model with {hparams}.")
    reference.autoencoder.set_weights(model.get_weights())
    return reference


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
