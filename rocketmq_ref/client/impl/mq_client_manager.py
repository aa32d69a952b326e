"""MQClientManager: one MQClientInstance per client id, per process
(Java ``client.impl.MQClientManager``; book A11.3.1)."""
from __future__ import annotations

import itertools
import logging
import threading
from typing import Any

log = logging.getLogger("rocketmq_ref.client")


class MQClientManager:
    _instance: "MQClientManager | None" = None
    _instance_lock = threading.Lock()

    def __init__(self) -> None:
        self._index = itertools.count()
        self.factory_table: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def get_instance(cls) -> "MQClientManager":
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = MQClientManager()
            return cls._instance

    def get_or_create_mq_client_instance(self, client_config: Any, rpc_hook: Any = None) -> Any:
        """Producers and consumers with the same ``buildMQClientId`` share one instance."""
        from rocketmq_ref.client.impl.factory.mq_client_instance import MQClientInstance

        client_id = client_config.build_mq_client_id()
        with self._lock:
            instance = self.factory_table.get(client_id)
            if instance is None:
                instance = MQClientInstance(client_config.clone_client_config(), next(self._index),
                                            client_id, rpc_hook)
                self.factory_table[client_id] = instance
                log.info("Created new MQClientFactory for clientId:[%s]", client_id)
            return instance

    def remove_client_factory(self, client_id: str) -> None:
        with self._lock:
            self.factory_table.pop(client_id, None)
