"""An in-process name server and broker on 127.0.0.1 free ports under a temp dir, for tests that talk
to a broker over the wire without starting processes."""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

from rocketmq_ref.broker.broker_controller import BrokerController
from rocketmq_ref.common.broker_config import BrokerConfig
from rocketmq_ref.common.namesrv_config import NamesrvConfig
from rocketmq_ref.namesrv.namesrv_controller import NamesrvController
from rocketmq_ref.remoting.netty.configs import NettyClientConfig, NettyServerConfig
from rocketmq_ref.store.config.message_store_config import MessageStoreConfig


@contextlib.contextmanager
def inproc_broker(tmp: Path, broker_name: str = "broker-a", **store_settings: object
                  ) -> Iterator[tuple[NamesrvController, BrokerController]]:
    """Yield a started ``(namesrv, broker)``; both are shut down on exit.  ``store_settings`` are
    ``MessageStoreConfig`` fields (e.g. ``message_delay_level``)."""
    ns_config = NamesrvConfig()
    ns_config.kv_config_path = str(tmp / "kv.json")
    namesrv = NamesrvController(ns_config, NettyServerConfig(listen_port=0, bind_address="127.0.0.1"))
    namesrv.initialize()
    namesrv.start()
    try:
        bc = BrokerConfig()
        bc.broker_ip1 = "127.0.0.1"
        bc.broker_name = broker_name
        bc.namesrv_addr = f"127.0.0.1:{namesrv.local_listen_port()}"
        sc = MessageStoreConfig(store_path_root_dir=str(tmp / "store"))
        sc.mapped_file_size_commit_log = 4 * 1024 * 1024
        for key, value in store_settings.items():
            setattr(sc, key, value)
        broker = BrokerController(bc, NettyServerConfig(listen_port=0, bind_address="127.0.0.1"),
                                  NettyClientConfig(), sc)
        assert broker.initialize()
        broker.start()
        try:
            yield namesrv, broker
        finally:
            broker.shutdown()
    finally:
        namesrv.shutdown()
