"""Training settings as data: their specs, defaults and the optimizers' learning rates.

Plain data that imports no Keras, so that what only reads settings (experiment links, a page's
widgets, a sweep's grid) stays light; `aelib.training.fit` applies them.
"""

from __future__ import annotations

from aelib.params import ParamSpec

# Adadelta gets the learning rate the tutorial's Keras had; Keras 3's 0.001 barely moves it.
DEFAULT_LEARNING_RATES = {"adam": 1e-3, "rmsprop": 1e-3, "sgd": 1e-2, "adadelta": 1.0}
OPTIMIZER_NAMES = tuple(DEFAULT_LEARNING_RATES)

TRAINING_PARAMS = (
    ParamSpec("epochs", 5, "Passes over the training images (the tutorial ran 50 to 100).",
              low=1, high=1000),
    ParamSpec("batch_size", 256, "Images per gradient step.", low=1, high=8192),
    ParamSpec("optimizer", "adam", "The gradient method.", kind="choice",
              choices=OPTIMIZER_NAMES),
    ParamSpec("learning_rate", 1e-3, "Step size; each optimizer has its own default (adadelta "
              "1.0, as in the tutorial's Keras).", kind="float", low=1e-6, high=10.0,
              log_scale=True),
    ParamSpec("seed", 0, "Seed of the batch order (and of nothing else in the process).",
              low=0, high=2**31 - 1),
)
TRAIN_SIZE = ParamSpec("train_size", 8000, "Training images used (a seeded subset).", low=1,
                       high=10_000_000)


def training_spec(name: str) -> ParamSpec:
    """The spec of one training setting by name.

    Raises:
        ValueError: not a training setting.
    """
    for spec in (*TRAINING_PARAMS, TRAIN_SIZE):
        if spec.name == name:
            return spec
    raise ValueError(f"There is no training setting {name!r}; the settings are: "
                     f"{', '.join(spec.name for spec in (*TRAINING_PARAMS, TRAIN_SIZE))}.")
