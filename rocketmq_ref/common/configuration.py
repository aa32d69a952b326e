"""Configuration: every config object of a server as one editable property set (Java
``org.apache.rocketmq.common.Configuration``; book A10.1.3, A2.1).

GET_NAMESRV_CONFIG / GET_BROKER_CONFIG return ``get_all_configs_format_string()`` (``key=value``
lines of every registered config object plus the extra keys of the ``-c`` file);
UPDATE_NAMESRV_CONFIG / UPDATE_BROKER_CONFIG call ``update``, which changes only keys that already
exist, sets them on the objects and writes the whole set to the store path. The black lists of keys
no one may update are checked by the request processors, as in Java.
"""
from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from rocketmq_ref.common import mixall
from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.fastjson import dumps

log = logging.getLogger("rocketmq_ref.common")


class Configuration:
    """``store_path`` is a path, or a function giving it (Java ``setStorePathFromConfig``: the
    path is read from a config field each time, so an update of that field moves the file)."""

    def __init__(self, *config_objects: Any, store_path: str | Callable[[], str] | None = None) -> None:
        self._lock = threading.RLock()
        self.config_object_list: list[Any] = []
        self.all_configs: dict[str, str] = {}
        self.data_version = DataVersion()
        self._store_path = store_path
        for obj in config_objects:
            self.register_config(obj)

    def register_config(self, config: Any) -> Configuration:
        """A JavaConfig object (its keys join the set) or a plain mapping of extra properties."""
        with self._lock:
            if isinstance(config, Mapping):
                self.all_configs.update({str(k): str(v) for k, v in config.items()})
            else:
                self.all_configs.update(config.to_properties())
                self.config_object_list.append(config)
        return self

    def set_store_path(self, store_path: str | Callable[[], str] | None) -> None:
        self._store_path = store_path

    def get_store_path(self) -> str | None:
        path = self._store_path
        return path() if callable(path) else path

    def update(self, properties: Mapping[str, str]) -> None:
        """Change existing keys only (unknown keys are ignored, as Java's ``mergeIfExist``) and
        persist; a value a field cannot take raises ``ConfigError`` before anything changes."""
        with self._lock:
            known = {k: v for k, v in properties.items() if k in self.all_configs}
            for obj in self.config_object_list:  # a trial on a copy: a bad value changes nothing
                copy.copy(obj).apply_properties(known, warn_unknown=False)
            for obj in self.config_object_list:
                obj.apply_properties(known, source="updateConfig", warn_unknown=False)
            self.all_configs.update(known)
            self.data_version.next_version()
            ignored = sorted(set(properties) - set(known))
        if ignored:
            log.warning("updateConfig ignored unknown keys: %s", ", ".join(ignored))
        self.persist()

    def persist(self) -> None:
        path = self.get_store_path()
        if not path:
            return
        text = self.get_all_configs_format_string()
        try:
            mixall.string2file(text, path)
        except OSError as e:
            log.error("persist config to %s failed: %s", path, e)

    def get_all_configs_format_string(self) -> str:
        """``key=value`` lines (Java ``MixAll.properties2String``); the objects' current values
        win over what was registered."""
        with self._lock:
            merged = dict(self.all_configs)
            for obj in self.config_object_list:
                merged.update(obj.to_properties())
        return "".join(f"{k}={v}\n" for k, v in merged.items())

    def get_all_configs(self) -> dict[str, str]:
        with self._lock:
            return dict(self.all_configs)

    def get_data_version_json(self) -> str:
        return dumps(self.data_version)
