"""Modules imported on first use: scipy and scikit-learn take about a second to import, and
`python -m matching allocate` (or a web process that never ranks) should not pay for them."""

from __future__ import annotations

import importlib
from types import ModuleType


class LazyModule(ModuleType):
    """Stands for module `name`; the first attribute read imports it and copies its namespace
    in, so later reads are plain attribute look-ups."""

    def __init__(self, name: str) -> None:
        super().__init__(name)

    def __getattr__(self, attribute: str):
        module = importlib.import_module(self.__name__)
        self.__dict__.update(vars(module))
        return getattr(module, attribute)
