"""The weights of a model file, read with h5py and checked before Keras or numpy reads a value.

A `.keras` file's `model.weights.h5` declares each weight's shape in its header. Keras trusts it
(it refuses only a single dataset above 4 GiB), so a 200 KB file whose datasets declare huge
shapes and store nothing grows memory by gigabytes as they are read. `check_weights` walks the
file's headers first, without reading data: only plain groups and datasets inside the file (no
soft or external links, no virtual or external datasets), numbers only, at most
`MAX_WEIGHT_OBJECTS` of them, chunks no larger than their dataset, and all of them together
declaring at most a few times the reference model's parameters (an optimizer keeps two slots per
weight). `ordered_weights` then reads a file whose layers are laid out differently from the
reference (the standalone script of "Show the code" builds one flat model) in the order its
config lists them, the order Keras's `get_weights` would give, without building that model.
"""

from __future__ import annotations

import math
import re

import h5py
import numpy as np

MAX_WEIGHT_OBJECTS = 10_000  # groups and datasets (ours: under 200)
OPTIMIZER_SLOTS = 3  # weight-sized values per weight a file may hold: the weight, Adam's m and v


def _refuse(reason: str) -> ValueError:
    return ValueError(f"This model file was refused: {reason}")


def check_weights(weights: h5py.File, reference_parameters: int) -> None:
    """Refuse a weights file whose declared contents could cost more than the reference model.

    Args:
        weights: the open `model.weights.h5`.
        reference_parameters: parameters of the model the file declares (built by aelib).

    Raises:
        ValueError: a link, an external or virtual dataset, a value that is not a number, too
            many objects, an oversized chunk, or more values declared than the model can hold.
    """
    objects, declared = 0, 0
    limit = OPTIMIZER_SLOTS * reference_parameters + 1024

    # h5py stops a visit at the first callback that returns something (raising inside one
    # breaks its lock): each returns why the file is refused, or None.
    def visit_link(name, link):
        if not isinstance(link, h5py.HardLink):
            return f"its weights hold a link '{name}' to elsewhere."
        return None

    def visit(name, item):
        nonlocal objects, declared
        objects += 1
        if objects > MAX_WEIGHT_OBJECTS:
            return f"its weights hold more than {MAX_WEIGHT_OBJECTS:,} objects."
        if not isinstance(item, h5py.Dataset):
            return None
        if item.is_virtual or item.external:
            return f"its weight '{name}' is stored outside the file."
        if item.dtype.kind not in "fiub":
            return f"its weight '{name}' holds {item.dtype}, not numbers."
        if item.chunks is not None and math.prod(item.chunks) > max(item.size, 1):
            return f"its weight '{name}' declares chunks larger than itself."
        declared += item.size
        if declared > limit:
            return (f"its weights declare more than {limit:,} values, more than a model of "
                    f"{reference_parameters:,} parameters holds.")
        return None

    reason = weights.visititems_links(visit_link) or weights.visititems(visit)
    if reason:
        raise _refuse(reason)


def _snake_case(class_name: str) -> str:
    """A layer's name in a weights file, as Keras writes it ("Conv2D" -> "conv2d")."""
    name = re.sub(r"\W+", "", class_name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _layer_datasets(group: h5py.Group) -> list[h5py.Dataset]:
    """A layer's datasets in its weights' order: its own (`vars/0`, `vars/1`, ...), then those
    of its parts (an LSTM's `cell`)."""
    found = []
    if "vars" in group:
        found += [group["vars"][index] for index in sorted(group["vars"], key=int)]
    for key in sorted(key for key in group if key != "vars"):
        if isinstance(group[key], h5py.Group):
            found += _layer_datasets(group[key])
    return found


def _ordered_datasets(group: h5py.Group, layers: list) -> list[h5py.Dataset]:
    counts: dict[str, int] = {}
    found = []
    for layer in layers:
        name = _snake_case(str(layer["class_name"]))
        counts[name] = counts.get(name, -1) + 1
        key = name if counts[name] == 0 else f"{name}_{counts[name]}"
        if key not in group:
            continue  # a layer without weights
        if layer["class_name"] == "Functional":
            found += _ordered_datasets(group[key]["layers"], layer["config"]["layers"])
        else:
            found += _layer_datasets(group[key])
    return found


def ordered_weights(weights: h5py.File, config: dict, shapes: list[tuple[int, ...]],
                    declared: str) -> list[np.ndarray]:
    """The weights of a functional model's file in its layers' order, read once their shapes
    are known to be `shapes` (the reference model's, in `get_weights` order).

    Args:
        weights: the open, checked (`check_weights`) `model.weights.h5`.
        config: the file's `config.json`, which says the order of its layers.
        shapes: the reference model's weight shapes.
        declared: the model the file declares, in words, for the message.

    Raises:
        ValueError: a layout that is not a functional model's, or weights of other shapes.
    """
    mismatch = _refuse(f"its weights do not match {declared}.")
    try:
        datasets = _ordered_datasets(weights["layers"], config["config"]["layers"])
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise mismatch from error
    if [tuple(dataset.shape) for dataset in datasets] != [tuple(shape) for shape in shapes]:
        raise mismatch
    try:
        return [dataset[()] for dataset in datasets]
    except Exception as error:  # h5py raises many types for damaged data
        raise _refuse(f"its weights could not be read ({type(error).__name__}).") from error
