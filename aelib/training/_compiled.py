"""Compiled models kept for reuse, so a learner pays tracing and compilation once per setup.

Why: on a CPU, the first epoch of a small model is mostly Keras tracing its train and evaluation
functions and XLA compiling them (about 0.5 s of a 1 s dense run), and a learner retrains the
same architecture again and again with another seed, learning rate or number of epochs. A traced
function belongs to the model whose variables it captured, so it cannot move to another model;
instead `aelib.train` trains a pooled working copy of the same structure, already compiled.

How: `CompiledModels.checkout` hands out an idle compiled model made for the same key
(architecture, hyperparameters, image shape, optimizer, steps per call, XLA; whatever the
compiled functions depend on), or compiles a new one. Before it is handed out, every variable of
the person's model is copied in (weights and random-seed state: the run starts exactly where a
fresh model of that seed starts) and the optimizer gets back the state it had right after it was
built (zero moments, zero steps) with the run's learning rate. The caller copies the trained
variables back to the person's model; on exit the working copy returns to the pool. While
checked out it is nobody else's: two trainings of the same setup at once get two models.

Limits: at most `capacity` idle models stay in the process, least recently used dropped first,
and `clear()` drops them all. A returned model holds only a copy of its last run's weights, which
the next checkout overwrites and which nothing hands out: dropping it loses nothing (the person's
model holds the weights). Training that ends with an exception does not return its copy.
Data-parallel training does not use the pool.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator

import keras

DEFAULT_CAPACITY = 4  # a few setups' worth: small models, a few MB each with their functions


def copy_variables(source: keras.Model, target: keras.Model) -> None:
    """Give `target` (of the same structure) copies of all of `source`'s variables: weights and
    random-seed state. Copies, not shared arrays: JAX's train step consumes its input arrays."""
    for variable, value in zip(target.variables, source.variables):
        variable.assign(keras.ops.copy(value))


class _Compiled:
    """A compiled model and its optimizer's state as it was when freshly built."""

    def __init__(self, model: keras.Model):
        self.model = model
        self.fresh_optimizer = [keras.ops.convert_to_numpy(v) for v in model.optimizer.variables]

    def start_from(self, source: keras.Model, learning_rate: float) -> None:
        """Take `source`'s variables and a fresh optimizer state with `learning_rate`."""
        copy_variables(source, self.model)
        for variable, value in zip(self.model.optimizer.variables, self.fresh_optimizer):
            variable.assign(value)
        self.model.optimizer.learning_rate = learning_rate


class CompiledModels:
    """A bounded, thread-safe pool of compiled Keras models, by key.

    Args:
        capacity: idle models kept at most (0 keeps none).

    Example:
        >>> pool = CompiledModels(capacity=4)
        >>> with pool.checkout(key, make, ae.autoencoder, 1e-3) as model:  # doctest: +SKIP
        ...     model.fit(...)
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY):
        self.capacity = capacity
        self._idle: OrderedDict[Hashable, list[_Compiled]] = OrderedDict()
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def checkout(self, key: Hashable, make: Callable[[], keras.Model], source: keras.Model,
                 learning_rate: float) -> Iterator[keras.Model]:
        """A compiled model for `key`, holding `source`'s variables and a fresh optimizer.

        Args:
            key: everything the compiled functions depend on; equal keys, same structure.
            make: builds and compiles a new model for `key` (with its optimizer built), when
                none is idle.
            source: the model whose variables the run starts from.
            learning_rate: the run's learning rate.

        Returns:
            A context manager; the model goes back to the pool when the block ends without
            an exception.
        """
        compiled = self._take(key) or _Compiled(make())
        compiled.start_from(source, learning_rate)
        yield compiled.model
        self._give_back(key, compiled)

    def clear(self) -> int:
        """Drop every idle model; returns how many were dropped."""
        with self._lock:
            dropped = len(self)
            self._idle.clear()
        return dropped

    def __len__(self) -> int:
        """Idle models held now."""
        return sum(len(models) for models in self._idle.values())

    def _take(self, key: Hashable) -> _Compiled | None:
        with self._lock:
            models = self._idle.get(key)
            if not models:
                return None
            compiled = models.pop()
            if not models:
                del self._idle[key]
            return compiled

    def _give_back(self, key: Hashable, compiled: _Compiled) -> None:
        with self._lock:
            self._idle.setdefault(key, []).append(compiled)
            self._idle.move_to_end(key)
            while len(self) > self.capacity:
                oldest = next(iter(self._idle))
                self._idle[oldest].pop(0)
                if not self._idle[oldest]:
                    del self._idle[oldest]


COMPILED_MODELS = CompiledModels()
