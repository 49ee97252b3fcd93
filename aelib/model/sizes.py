"""Model sizes without Keras: parameter count and code shape of any architecture, for any image
shape, computed from the layers' formulas.

A page that only lists the architectures (Home's cards) needs these two numbers, and building
eight Keras models to count them would load TensorFlow; this module imports neither Keras nor a
backend. `tests/test_sizes.py` checks it against `aelib.build` for every architecture on
several image shapes.

Per layer: a dense layer of `u` units on `i` inputs has `i * u + u` parameters; a 3x3
convolution (or transposed convolution) from `i` to `f` channels `9 * i * f + f`; an LSTM of
`u` units on `i` inputs `4 * (u * (i + u) + u)`. Pooling, upsampling, cropping, reshaping and
the denoiser's noise have none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

from aelib.architectures import get_architecture, input_layout
from aelib.architectures.plans import decoder_plan, halved_sizes
from aelib.images import image_shape as checked_image_shape
from aelib.params import resolve


@dataclass(frozen=True)
class SizeSummary:
    """How big a model is.

    Args:
        parameters: its number of weights (trainable and not), as `count_params` reports.
        code_shape: the shape of one code, e.g. (32,) or (4, 4, 8).
    """

    parameters: int
    code_shape: tuple[int, ...]


def _dense(inputs: int, units: int) -> int:
    return inputs * units + units


def _conv(inputs: int, filters: int) -> int:
    return 9 * inputs * filters + filters


def _lstm(inputs: int, units: int) -> int:
    return 4 * (units * (inputs + units) + units)


def _chain(layer, widths) -> int:
    """Parameters of layers applied one after another through `widths`."""
    return sum(layer(a, b) for a, b in pairwise(widths))


def _dense_family(hparams, shape) -> SizeSummary:
    (values,) = input_layout("flat", shape)
    units = tuple(hparams.get("hidden_units") or (hparams["encoding_dim"],))
    widths = (values, *units, *reversed(units[:-1]), values)
    return SizeSummary(_chain(_dense, widths), (units[-1],))


def _conv_family(hparams, shape) -> SizeSummary:
    filters, channels = tuple(hparams["filters"]), shape[2]
    levels, _ = decoder_plan(filters, shape[:2])
    encoder = _chain(_conv, (channels, *filters))
    decoder = _chain(_conv, (filters[-1], *(n for n, _ in levels), channels))
    return SizeSummary(encoder + decoder,
                       (*halved_sizes(shape[:2], len(filters))[-1], filters[-1]))


def _lstm_model(hparams, shape) -> SizeSummary:
    _, row = input_layout("sequence", shape)
    latent, units = hparams["latent_dim"], hparams["decoder_units"]
    return SizeSummary(_lstm(row, latent) + _lstm(latent, units) + _dense(units, row), (latent,))


def _vae(hparams, shape) -> SizeSummary:
    (values,) = input_layout("flat", shape)
    hidden, latent = hparams["intermediate_dim"], hparams["latent_dim"]
    heads = 2 * _dense(hidden, latent)  # z_mean and z_log_var
    if hparams.get("network", "dense") == "dense":
        return SizeSummary(_dense(values, hidden) + heads + _dense(latent, hidden)
                           + _dense(hidden, values), (latent,))
    filters, channels = tuple(hparams["filters"]), shape[2]
    height, width = halved_sizes(shape[:2], len(filters))[-1]
    features = height * width * filters[-1]
    encoder = _chain(_conv, (channels, *filters)) + _dense(features, hidden) + heads
    decoder = (_dense(latent, features)
               + _chain(_conv, (filters[-1], *reversed(filters), channels)))
    return SizeSummary(encoder + decoder, (latent,))


# One formula per builder module, as the registry names them.
_FORMULAS = {"dense": _dense_family, "topk": _dense_family, "conv": _conv_family,
             "lstm": _lstm_model, "vae": _vae}


def summary(name: str, hparams: Mapping | None = None,
            image_shape: tuple[int, ...] = (28, 28, 1)) -> SizeSummary:
    """Parameter count and code shape of `aelib.build(name, image_shape=..., **hparams)`,
    without building it.

    Args:
        name: one of `aelib.ARCHITECTURES`.
        hparams: its hyperparameters; missing ones take their defaults.
        image_shape: (height, width, channels), or (height, width) for one channel.

    Returns:
        A `SizeSummary`.

    Raises:
        ValueError: as `aelib.build`: an unknown architecture or hyperparameter, a value out of
            range, or an image shape outside the limits.
    """
    architecture = get_architecture(name)
    resolved = resolve(architecture.params, dict(hparams or {}), f"Architecture {name!r}")
    return _FORMULAS[architecture.module](resolved, checked_image_shape(image_shape))
