"""``NettyServerConfig`` and ``NettyClientConfig`` (Java ``remoting/netty/NettyServerConfig``,
``NettyClientConfig`` and the ``NettySystemConfig`` defaults; book A4.3.1, A13.4.3).

Fields keep the Java names (snake_case) and 4.9.8 defaults; thread counts size the executors that run
blocking processors and callbacks (the asyncio loop itself plays the selector/worker threads).
Fields without an asyncio meaning (``use_epoll_native_selector``, pooled allocators) are kept so
that Java config files load, and are ignored.  ``use_tls`` makes the client's connections TLS
(settings: ``tls_system_config``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from rocketmq_ref.common.java_config import JavaConfig, config_field
from rocketmq_ref.remoting.netty.frame_codec import FRAME_MAX_LENGTH


@dataclass
class NettyServerConfig(JavaConfig):
    listen_port: int = config_field(8888, important=True, doc="0 picks a free port")
    bind_address: str = config_field("0.0.0.0", doc="address to listen on (Java binds all)")
    server_worker_threads: int = 8
    server_callback_executor_threads: int = config_field(
        0, doc="threads of the public executor (0 means 4, as Java)")
    server_selector_threads: int = 3
    server_oneway_semaphore_value: int = 256
    server_async_semaphore_value: int = 64
    server_channel_max_idle_time_seconds: float = config_field(
        120, doc="close a channel with no read and no write for this long")
    server_socket_snd_buf_size: int = 0
    server_socket_rcv_buf_size: int = 0
    write_buffer_high_water_mark: int = config_field(
        0, doc="bytes queued for a peer before the channel is closed as too slow (0: 64 MiB)")
    write_buffer_low_water_mark: int = 0
    server_socket_backlog: int = 1024
    server_pooled_byte_buf_allocator_enable: bool = True
    use_epoll_native_selector: bool = False
    frame_max_length: int = config_field(FRAME_MAX_LENGTH, key="frameMaxLength")


@dataclass
class NettyClientConfig(JavaConfig):
    client_worker_threads: int = 4
    client_callback_executor_threads: int = config_field(
        os.cpu_count() or 2, doc="threads that run invoke_async callbacks and blocking processors")
    client_oneway_semaphore_value: int = 65535
    client_async_semaphore_value: int = 65535
    connect_timeout_millis: int = 3000
    channel_not_active_interval: int = 1000 * 60
    client_channel_max_idle_time_seconds: float = 120
    client_socket_snd_buf_size: int = 0
    client_socket_rcv_buf_size: int = 0
    client_pooled_byte_buf_allocator_enable: bool = False
    client_close_socket_if_timeout: bool = config_field(
        True, doc="close the channel after a sync invoke times out")
    use_tls: bool = config_field(False, key="useTLS", doc="open TLS connections (tls.* settings)")
    write_buffer_high_water_mark: int = 0
    write_buffer_low_water_mark: int = 0
    frame_max_length: int = config_field(FRAME_MAX_LENGTH, key="frameMaxLength")
