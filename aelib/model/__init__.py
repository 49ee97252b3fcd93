"""One model, whatever the architecture: building it, its sizes, its checked `.keras` files
and their weights.
"""

from aelib._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__, submodules=["autoencoder", "sizes", "files", "weights"])
