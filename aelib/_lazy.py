"""Package attributes that are imported on first use, so `import aelib` loads no Keras.

The pattern of scientific Python's lazy loading (SPEC 1, `lazy_loader.attach`, which
scikit-image uses), in a few lines instead of a dependency. A package's `__init__` says which
submodules it has and which module defines each public name; nothing is imported until a name
is asked for:

    __getattr__, __dir__, __all__ = attach(__name__, submodules=["store"],
                                           names={"RunStore": "store"})
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping


def attach(package: str, submodules: Iterable[str] = (), names: Mapping[str, str] | None = None,
           aliases: Mapping[str, str] | None = None
           ) -> tuple[Callable[[str], object], Callable[[], list[str]], list[str]]:
    """Return the `__getattr__`, `__dir__` and `__all__` of a lazily loaded package.

    Args:
        package: the package's `__name__`.
        submodules: its modules and subpackages, by their name inside it.
        names: each public name -> the submodule (inside the package) that defines it.
        aliases: attribute names that stand for modules elsewhere in aelib -> the module's full
            name (the old flat names `aelib.figures`, `aelib.analysis`, ... of the top level).

    Returns:
        `(__getattr__, __dir__, __all__)`, to assign at the package's top level.
    """
    submodules, names, aliases = set(submodules), dict(names or {}), dict(aliases or {})
    public = sorted(submodules | names.keys() | aliases.keys())

    def __getattr__(name: str):
        if name in submodules:
            return importlib.import_module(f"{package}.{name}")
        if name in aliases:
            return importlib.import_module(aliases[name])
        if name in names:
            return getattr(importlib.import_module(f"{package}.{names[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return public

    return __getattr__, __dir__, public
