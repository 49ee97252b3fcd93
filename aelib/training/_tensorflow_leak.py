"""A workaround for TensorFlow keeping every trained model's train-step graph alive.

In graph mode, `tf.custom_gradient` registers each gradient function under a fresh name
("CustomGradient-N") in TensorFlow's process-wide gradient registry and never removes it. Keras
on TensorFlow goes through one (`ReplicaContext.all_reduce`) in every traced train step, so the
registry keeps each trained model's whole train-step graph alive for the life of the process:
about 2.3 MB a model, with a bare `model.fit` too (tensorflow/tensorflow#61791,
keras-team/keras#21090). An entry is only looked up while its graph is being traced; once a
model's training has run, its entries are dead weight. `release_custom_gradients` drops the
entries whose graph reads the model's variables, and leaves every other one alone (another
session may be tracing its own).

Data-parallel training (`tf.distribute.MirroredStrategy`) traces one train step per device,
each reading that device's copy of the variables (the components of each `MirroredVariable`),
so those count as the model's too. Entries whose graph reads variables that no longer exist
are dead weight however they came there (TensorFlow raises an AssertionError when such a
graph's variables are read), and are dropped as well: found when a second data-parallel model
trained in one process failed on the first one's entries.
"""

from __future__ import annotations

import keras


def _entry_graph(function):
    """The graph a registered custom gradient was traced in, or None if it is not one."""
    tape_grad_fn = function.__closure__[function.__code__.co_freevars.index("tape_grad_fn")]
    tape = tape_grad_fn.cell_contents
    result = tape.__closure__[tape.__code__.co_freevars.index("result")].cell_contents
    return result[0].graph


def release_custom_gradients(model: keras.Model) -> int:
    """Forget the custom gradients TensorFlow registered while tracing `model`'s training; call
    it once that training has ended. Returns how many were released (0 on other backends, or
    if TensorFlow's internals are not as expected)."""
    if keras.backend.backend() != "tensorflow":
        return 0
    from tensorflow.python.framework import ops

    registry = getattr(getattr(ops, "_gradient_registry", None), "_registry", None)
    if not isinstance(registry, dict):
        return 0
    optimizer = getattr(model, "optimizer", None)
    owned = {id(value) for variable in [*model.variables,
                                        *(optimizer.variables if optimizer else [])]
             for value in (variable.value, *getattr(variable.value, "values", ()))}
    released = 0
    for name in [name for name in list(registry) if str(name).startswith("CustomGradient-")]:
        try:
            graph = _entry_graph(registry[name]["type"])
            try:
                stale = any(id(variable) in owned for variable in graph.variables)
            except AssertionError:  # it reads variables that were deleted: nobody can use it
                stale = True
            if stale:
                del registry[name]
                released += 1
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            continue  # not the structure this workaround knows: leave it
    return released
