"""The images a model learns from: datasets, the coloured shapes, uploads, noise, a drawn digit.
"""

from aelib._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__, submodules=['datasets', 'shapes', 'uploads', 'noise', 'drawing'])
