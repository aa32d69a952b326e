"""Package attributes loaded on first use (PEP 562): the public ``producer`` / ``consumer`` packages
export the engine's classes without importing the engine while it imports them."""
from __future__ import annotations

import importlib
from typing import Any, Callable


def lazy_exports(package: str, namespace: dict[str, Any], exports: dict[str, str]
                 ) -> Callable[[str], Any]:
    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return __getattr__
