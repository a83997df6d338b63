"""The real side of every call, one module per mechanism (named as in ipctui.vocab.mechanisms),
each registering its calls in `REAL` (see registry.py for what a registration holds).

Importing this package imports every module in it, so a new mechanism's module registers itself
by being here. The worker imports the package before it enters the sandbox, where Python's own
files are out of reach, so no module here imports anything later.
"""

from __future__ import annotations

import importlib
import pkgutil

from .registry import REAL, Books, Line, RealCall

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["REAL", "Books", "Line", "RealCall"]
