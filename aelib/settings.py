"""Training settings as data: their specs and defaults, the optimizers and their learning rates.

Plain data that imports no Keras, so that what only reads settings (experiment links, a page's
widgets, a sweep's grid) stays light; `aelib.training.fit` applies them. Each fact is written
here once: the optimizers (`OPTIMIZERS`), the rule that a learning rate left out is the
optimizer's own (`learning_rate_for`), and the defaults (the specs, which `TrainingSettings`
takes its defaults from).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aelib.params import ParamSpec, resolve

# Name -> (its class in `keras.optimizers`, its default learning rate). Adadelta gets the
# learning rate the tutorial's Keras had; Keras 3's 0.001 barely moves it.
OPTIMIZERS = {
    "adam": ("Adam", 1e-3),
    "rmsprop": ("RMSprop", 1e-3),
    "sgd": ("SGD", 1e-2),
    "adadelta": ("Adadelta", 1.0),
}
DEFAULT_LEARNING_RATES = {name: rate for name, (_, rate) in OPTIMIZERS.items()}
OPTIMIZER_NAMES = tuple(OPTIMIZERS)
_DEFAULT_OPTIMIZER = "adam"

TRAINING_PARAMS = (
    ParamSpec("epochs", 5, "Passes over the training images (the tutorial ran 50 to 100).",
              low=1, high=1000),
    ParamSpec("batch_size", 256, "Images per gradient step.", low=1, high=8192),
    ParamSpec("optimizer", _DEFAULT_OPTIMIZER, "The gradient method.", kind="choice",
              choices=OPTIMIZER_NAMES),
    ParamSpec("learning_rate", DEFAULT_LEARNING_RATES[_DEFAULT_OPTIMIZER], "Step size; each "
              "optimizer has its own default (adadelta 1.0, as in the tutorial's Keras).",
              kind="float", low=1e-6, high=10.0, log_scale=True),
    ParamSpec("seed", 0, "Seed of the batch order (and of nothing else in the process).",
              low=0, high=2**31 - 1),
)
TRAIN_SIZE = ParamSpec("train_size", 8000, "Training images used (a seeded subset).", low=1,
                       high=10_000_000)


def fewest_training_images(available: int) -> int:
    """The smallest training set a person may pick from `available` images: a hundred, or half
    of a smaller set (at least one), so that a tiny upload still splits."""
    return min(100, max(1, available // 2))


def training_spec(name: str) -> ParamSpec:
    """The spec of one training setting by name.

    Args:
        name: a setting of `TRAINING_PARAMS`, or "train_size".

    Returns:
        Its `ParamSpec`.

    Raises:
        ValueError: not a training setting.
    """
    for spec in (*TRAINING_PARAMS, TRAIN_SIZE):
        if spec.name == name:
            return spec
    raise ValueError(f"There is no training setting {name!r}; the settings are: "
                     f"{', '.join(spec.name for spec in (*TRAINING_PARAMS, TRAIN_SIZE))}.")


def learning_rate_for(optimizer: str = _DEFAULT_OPTIMIZER,
                      learning_rate: float | None = None) -> float:
    """The learning rate a run uses: `learning_rate`, or the optimizer's default if None.

    Args:
        optimizer: a name in `OPTIMIZERS`.
        learning_rate: the rate asked for, or None for the optimizer's own.

    Returns:
        The learning rate, checked against its spec.

    Raises:
        ValueError: an unknown optimizer or a learning rate out of range.

    Example:
        >>> learning_rate_for("adadelta"), learning_rate_for("adadelta", 0.5)
        (1.0, 0.5)
    """
    given = {"optimizer": optimizer}
    if learning_rate is not None:
        given["learning_rate"] = learning_rate
    settings = resolve([training_spec(name) for name in given], given, "Training")
    return settings.get("learning_rate", DEFAULT_LEARNING_RATES[settings["optimizer"]])


@dataclass(frozen=True)
class TrainingSettings:
    """One training's settings, as `aelib.train` takes them, with the specs' defaults.

    Args:
        epochs: passes over the training images.
        batch_size: images per gradient step.
        optimizer: a name in `OPTIMIZERS`.
        learning_rate: the step size; None for the optimizer's own (`learning_rate_for`).
        seed: seed of the batch order.

    Example:
        >>> TrainingSettings(optimizer="sgd").resolved().learning_rate
        0.01
    """

    epochs: int = training_spec("epochs").default  # a first look; the tutorial ran 50 to 100
    batch_size: int = training_spec("batch_size").default  # the tutorial's dense models' size
    optimizer: str = training_spec("optimizer").default  # adapts each weight's step; a safe start
    learning_rate: float | None = None  # None follows the optimizer: sgd's is not adam's
    seed: int = training_spec("seed").default  # the batch order only; `build` seeds the weights

    def resolved(self) -> TrainingSettings:
        """These settings checked against their specs, converted to their types, and with the
        learning rate filled in.

        Returns:
            A `TrainingSettings` whose `learning_rate` is never None.

        Raises:
            ValueError: a setting out of range or of the wrong type.
        """
        names = ("epochs", "batch_size", "seed")
        checked = resolve([training_spec(name) for name in names],
                          {name: getattr(self, name) for name in names}, "Training")
        return replace(self, **checked,
                       learning_rate=learning_rate_for(self.optimizer, self.learning_rate))
