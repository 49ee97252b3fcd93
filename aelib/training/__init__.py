"""Training one model: `train` (in `fit`), its progress events and the devices it runs on.

`aelib.training` was one module before it was a package: its public names are still
offered here (they live in `aelib.training.fit`), imported on first use.
"""

from aelib._lazy import attach

_NAMES = ['OPTIMIZERS', 'VALIDATION_NOISE_SEED', 'CPU_STEPS_PER_EXECUTION',
          'ACCELERATOR_STEPS_PER_EXECUTION', 'TENSORFLOW_CPU_JIT_COMPILE', 'TrainResult',
          'learning_rate_for', 'make_optimizer', 'default_steps_per_execution', 'jit_compile_for',
          'compile_model', 'train']

__getattr__, __dir__, __all__ = attach(__name__, submodules=['fit', 'progress', 'distribution'],
                                       names=dict.fromkeys(_NAMES, 'fit'))
