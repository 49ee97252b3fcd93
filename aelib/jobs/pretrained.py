"""Pretrained models shipped with aelib: every architecture on the bundled MNIST sample, and a
VAE on the coloured shapes, to explore before training anything.

`PRETRAINED_SETUPS` says what is trained: each architecture at its defaults and its training
preset (`Architecture.training`), seed 0, as the Train page would train it. `make_pretrained`
trains them and writes each as a `.keras` file holding weights only (the model is saved
uncompiled, so no optimizer state), with a manifest (`pretrained.json`) that records the
settings, the seed, the history and the test loss of each; `aelib.pretrained(name, dataset)`
loads one back through `aelib.load_model_file`, the same checks as an upload. Rebuild them
(a few minutes on 2 CPU cores) with:

    python -m aelib.jobs.pretrained                   # into aelib/data/bundled/pretrained/
    python -m aelib.jobs.pretrained --epochs 1 --train-size 256 --out /tmp/pretrained  # tiny

Reading the manifest loads no Keras, so Home can list the models; loading one does.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aelib.architectures import ARCHITECTURES

if TYPE_CHECKING:
    from aelib.data.datasets import Dataset
    from aelib.model.autoencoder import Autoencoder

PRETRAINED_DIR = Path(__file__).parents[1] / "data" / "bundled" / "pretrained"
MANIFEST = "pretrained.json"
SEED = 0
MAX_TOTAL_BYTES = 10 * 1024 * 1024  # every shipped file together


@dataclass(frozen=True)
class PretrainedSetup:
    """One model `make_pretrained` trains.

    Args:
        architecture: a name in `aelib.ARCHITECTURES`.
        dataset: a name in `aelib.DATASETS` it is trained on.
        trained_on: that dataset in words, for `PretrainedModel.describe`.
        hparams: hyperparameters other than the architecture's defaults.
    """

    architecture: str
    dataset: str
    trained_on: str
    hparams: dict = field(default_factory=dict)


_BUNDLED = "the bundled MNIST sample"
PRETRAINED_SETUPS = (
    *(PretrainedSetup(name, "bundled", _BUNDLED) for name in ARCHITECTURES),
    # The conv network suits colour; a 128-unit hidden layer keeps the file near 2.5 MB (the
    # dense VAE on 32x32x3 images has 1.6 million weights).
    PretrainedSetup("vae", "shapes", "the coloured shapes (32x32)",
                    {"network": "conv", "intermediate_dim": 128}),
)


@dataclass(frozen=True)
class PretrainedModel:
    """What the manifest records of one shipped model.

    Args:
        architecture: its architecture's name.
        dataset: the dataset it was trained on.
        trained_on: that dataset in words.
        hparams: its hyperparameters (all of them).
        settings: the `aelib.train` settings it was trained with, seed included.
        history: per-epoch values of its training.
        test_loss: mean per-pixel loss (`ae.loss`) of its reconstructions of the test images.
        train_images: training images it saw.
        seconds: how long the training took.
        file: its `.keras` file's name, in the manifest's folder.
    """

    architecture: str
    dataset: str
    trained_on: str
    hparams: dict
    settings: dict
    history: dict
    test_loss: float
    train_images: int
    seconds: float
    file: str

    @property
    def seed(self) -> int:
        """The seed of its weights and of its batch order."""
        return self.settings["seed"]

    def describe(self) -> str:
        """Which model it is, in words: "Pretrained dense autoencoder (shipped with aelib,
        trained on the bundled MNIST sample, seed 0)"."""
        return (f"Pretrained {self.architecture} autoencoder (shipped with aelib, trained on "
                f"{self.trained_on}, seed {self.seed})")


def pretrained_models(folder: str | Path = PRETRAINED_DIR
                      ) -> dict[tuple[str, str], PretrainedModel]:
    """The models in `folder`'s manifest, by (architecture, dataset), without loading Keras.

    Raises:
        ValueError: the folder has no manifest.
    """
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise ValueError(f"No pretrained models in {folder} (no {MANIFEST}): build them with "
                         "`python -m aelib.jobs.pretrained`.")
    models = [PretrainedModel(**entry) for entry in json.loads(path.read_text())["models"]]
    return {(model.architecture, model.dataset): model for model in models}


def pretrained_model(name: str, dataset: str = "bundled", *,
                     folder: str | Path = PRETRAINED_DIR) -> PretrainedModel:
    """The manifest's record of the model of architecture `name` trained on `dataset`.

    Raises:
        ValueError: no such model is shipped (the message lists those that are).
    """
    models = pretrained_models(folder)
    if (name, dataset) not in models:
        shipped = ", ".join(f"{arch!r} on {data!r}" for arch, data in models)
        raise ValueError(f"No pretrained {name!r} model on {dataset!r}; aelib ships {shipped}.")
    return models[(name, dataset)]


def pretrained(name: str, dataset: str = "bundled", *, folder: str | Path = PRETRAINED_DIR
               ) -> Autoencoder:
    """Load a shipped pretrained model, checked as an upload is (`aelib.load_model_file`).

    Args:
        name: its architecture, one of `aelib.ARCHITECTURES`.
        dataset: what it was trained on: "bundled" (every architecture) or "shapes" (the VAE).
        folder: where the models are (the ones shipped with aelib unless told).

    Returns:
        A trained `aelib.Autoencoder`, its own copy: training it changes no other.

    Raises:
        ValueError: no such model is shipped, or its file was refused.

    Example:
        >>> ae = aelib.pretrained("conv")                 # doctest: +SKIP
        >>> ae.reconstruct(data.x_test[:10]).shape         # doctest: +SKIP
        (10, 28, 28, 1)
    """
    from aelib.model.files import load_model_file

    return load_model_file(Path(folder) / pretrained_model(name, dataset, folder=folder).file)


def loss_on_test_images(ae: Autoencoder, data: Dataset) -> float:
    """Mean per-pixel loss (`ae.loss`) of `ae`'s reconstructions of `data.x_test`: what the
    manifest records for each model."""
    from aelib.explore.quality import reconstruction_errors

    return float(reconstruction_errors(data.x_test, ae.reconstruct(data.x_test), ae.loss).mean())


def make_pretrained(folder: str | Path = PRETRAINED_DIR, *,
                    setups: tuple[PretrainedSetup, ...] = PRETRAINED_SETUPS,
                    epochs: int | None = None, train_size: int | None = None,
                    on_model: Callable[[PretrainedModel], None] | None = None
                    ) -> dict[tuple[str, str], PretrainedModel]:
    """Train `setups` at their presets and write them to `folder`, with a manifest that keeps
    the models of other setups already there.

    Args:
        folder: where to write the `.keras` files and `pretrained.json` (made if missing).
        setups: what to train.
        epochs: instead of each preset's epochs (a quick check); None for the presets'.
        train_size: training images to use (a seeded subset); None for all.
        on_model: called with each `PretrainedModel` once written (e.g. `print`).

    Returns:
        The models written, by (architecture, dataset), as `pretrained_models` reads them.

    Raises:
        ValueError: an unknown architecture or dataset, or files past `MAX_TOTAL_BYTES`.
    """
    import keras

    import aelib
    from aelib.architectures import REGISTRY, get_architecture
    from aelib.data.datasets import load_dataset
    from aelib.model.autoencoder import build
    from aelib.model.files import save_model_file
    from aelib.training.fit import train

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    kept = pretrained_models(folder) if (folder / MANIFEST).is_file() else {}
    for setup in setups:
        get_architecture(setup.architecture)
        data = load_dataset(setup.dataset).subset(train_size, None, seed=SEED)
        settings = REGISTRY[setup.architecture].training.settings(SEED)
        if epochs is not None:
            settings["epochs"] = epochs
        ae = build(setup.architecture, seed=SEED, image_shape=data.image_shape, **setup.hparams)
        started = time.perf_counter()
        result = train(ae, data, **settings)  # in a compiled copy: `ae` stays uncompiled
        seconds = time.perf_counter() - started
        file = f"{setup.architecture}-{setup.dataset}.keras"
        save_model_file(ae, folder / file)
        model = PretrainedModel(
            setup.architecture, setup.dataset, setup.trained_on,
            {name: list(value) if isinstance(value, tuple) else value
             for name, value in ae.hparams.items()},
            settings, result.history, loss_on_test_images(ae, data), len(data.x_train),
            round(seconds, 2), file)
        kept[(model.architecture, model.dataset)] = model
        if on_model is not None:
            on_model(model)
    order = [(s.architecture, s.dataset) for s in PRETRAINED_SETUPS]
    entries = [asdict(kept[key]) for key in sorted(
        kept, key=lambda key: order.index(key) if key in order else len(order))]
    made_with = {"aelib": aelib.__version__, "keras": keras.__version__,
                 "backend": keras.backend.backend()}
    (folder / MANIFEST).write_text(
        json.dumps({"made_with": made_with, "models": entries}, indent=1) + "\n")
    total = sum((folder / entry["file"]).stat().st_size for entry in entries)
    if total > MAX_TOTAL_BYTES:
        raise ValueError(f"The pretrained models take {total:,} bytes; the limit is "
                         f"{MAX_TOTAL_BYTES:,}: make them smaller.")
    return pretrained_models(folder)


def main(argv: list[str] | None = None) -> None:
    """Rebuild the pretrained models from the command line (see the module's docstring)."""
    parser = argparse.ArgumentParser(description="Train and write aelib's pretrained models.")
    parser.add_argument("--out", default=str(PRETRAINED_DIR), help="folder to write them to")
    parser.add_argument("--epochs", type=int, help="instead of each preset's (a quick check)")
    parser.add_argument("--train-size", type=int, help="training images (default: all)")
    parser.add_argument("--only", help="comma-separated architecture-dataset pairs, e.g. "
                                       "dense-bundled,vae-shapes")
    args = parser.parse_args(argv)
    setups = PRETRAINED_SETUPS
    if args.only:
        wanted = set(args.only.split(","))
        setups = tuple(s for s in setups if f"{s.architecture}-{s.dataset}" in wanted)
    make_pretrained(args.out, setups=setups, epochs=args.epochs, train_size=args.train_size,
                    on_model=lambda m: print(f"{m.file}: test loss {m.test_loss:.4f}, "
                                             f"{m.seconds:.1f} s", flush=True))


if __name__ == "__main__":
    main()
