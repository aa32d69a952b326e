"""Clients of an end-to-end cluster: pointed at its name server with shortened timers, shut down
last-in first-out at the end (``tests/e2e``)."""
from __future__ import annotations

from typing import Any

# route refresh, heartbeat and offset persistence in well under a second or two
FAST = {"poll_name_server_interval": 500, "heartbeat_broker_interval": 1000,
        "persist_consumer_offset_interval": 1000}


class ClusterClients:
    """Mixin for an e2e cluster with a ``namesrv`` (its ``addr``) and a ``clients`` list."""

    namesrv: Any
    clients: list[Any]

    def configure(self, client: Any) -> Any:
        client.set_namesrv_addr(self.namesrv.addr)
        for k, v in FAST.items():
            setattr(client, k, v)
        self.clients.append(client)
        return client

    def shutdown_clients(self) -> None:
        for c in reversed(self.clients):
            try:
                c.shutdown()
            except Exception:  # noqa: BLE001 - best effort while tearing down
                pass
