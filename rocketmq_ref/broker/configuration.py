"""All broker settings in one place for GET_BROKER_CONFIG / UPDATE_BROKER_CONFIG (Java
``common.Configuration`` as the broker uses it; A2.1): the properties text of every config object,
updates applied by key, and the result persisted back to the broker's config file."""
from __future__ import annotations

import logging
import threading
from typing import Any

from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.fastjson import dumps
from rocketmq_ref.common.java_config import ConfigError
from rocketmq_ref.common.mixall import string2file

log = logging.getLogger("rocketmq_ref.broker")


class Configuration:
    def __init__(self, configs: list[Any], store_path: str | None = None,
                 black_list: str = "configBlackList;brokerConfigPath") -> None:
        self.configs = configs
        self.store_path = store_path
        self.data_version = DataVersion()
        self.black_list = {k.strip() for k in black_list.split(";") if k.strip()}
        self.extra: dict[str, str] = {}
        self._lock = threading.Lock()

    def register_config(self, props: dict[str, str]) -> None:
        """Keep keys no config class knows (Java keeps every loaded property)."""
        known = set()
        for cfg in self.configs:
            known |= set(type(cfg).java_keys())
        self.extra.update({k: v for k, v in props.items() if k not in known})

    def update(self, props: dict[str, str]) -> None:
        """Apply ``props``; a black-listed or unknown key or a bad value raises ConfigError before
        anything changes."""
        bad = sorted(k for k in props if k in self.black_list)
        if bad:
            raise ConfigError(f"can not update config in black list: {', '.join(bad)}")
        with self._lock:
            unknown = set(props)
            for cfg in self.configs:
                unknown -= set(type(cfg).java_keys())
            if unknown:
                raise ConfigError(f"unknown config keys: {', '.join(sorted(unknown))}")
            for cfg in self.configs:  # a trial run on copies: a bad value changes nothing
                trial = type(cfg)()
                keys = type(cfg).java_keys()
                trial.apply_properties({k: v for k, v in props.items() if k in keys}, warn_unknown=False)
            for cfg in self.configs:
                keys = type(cfg).java_keys()
                cfg.apply_properties({k: v for k, v in props.items() if k in keys}, warn_unknown=False)
            self.data_version.next_version()
        self.persist()

    def get_all_configs_format_string(self) -> str:
        lines = []
        for cfg in self.configs:
            lines.extend(cfg.print_lines())
        lines.extend(f"{k}={v}" for k, v in self.extra.items())
        return "\n".join(lines) + "\n"

    def get_data_version_json(self) -> str:
        return dumps(self.data_version)

    def persist(self) -> None:
        if not self.store_path:
            return
        try:
            string2file(self.get_all_configs_format_string(), self.store_path)
        except OSError as e:
            log.error("persist broker config to %s failed: %s", self.store_path, e)
