"""ClientConfig: settings every producer and consumer share (Java ``org.apache.rocketmq.client.ClientConfig``;
books A11.3.1, B3.3.1, B5.3).

The client id that keys ``MQClientInstance`` is ``clientIP@instanceName[@unitName]``; producers and
clustering consumers left on the default instance name ``DEFAULT`` switch it to ``pid#nanoTime``
(``change_instance_name_to_pid``) so two clients of one process do not share by accident.
"""
from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass
from typing import Any

from rocketmq_ref.common import mixall, topic_validator
from rocketmq_ref.common.java_config import JavaConfig, config_field
from rocketmq_ref.common.mixall import DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX
from rocketmq_ref.common.utilall import local_ipv4_addresses
from rocketmq_ref.remoting.netty.tls_system_config import tls_enable

DEFAULT_INSTANCE_NAME = "DEFAULT"
SEND_MESSAGE_WITH_VIP_CHANNEL_PROPERTY = "com.rocketmq.sendMessageWithVIPChannel"
NAMESPACE_SEPARATOR = "%"


def get_local_address() -> str:
    """Java ``RemotingUtil.getLocalAddress``: a non-loopback IPv4 address of this host, else 127.0.0.1.

    Like Java it prefers an address outside 127.0/192.168 (candidates from ``utilall``).
    """
    candidates = local_ipv4_addresses()
    usable = [ip for ip in candidates if not ip.startswith("127.") and ip != "0.0.0.0"]
    for ip in usable:
        if not ip.startswith("192.168"):
            return ip
    return usable[-1] if usable else "127.0.0.1"


def _default_namesrv_addr() -> str | None:
    return os.environ.get("NAMESRV_ADDR") or None


def _is_system_resource(resource: str) -> bool:
    # system topics and system groups are never wrapped with a namespace (Java isSystemResource)
    return topic_validator.is_system_topic(resource) or mixall.is_sys_consumer_group(resource)


def _strip_retry_dlq(resource: str) -> tuple[str, str]:
    for prefix in (RETRY_GROUP_TOPIC_PREFIX, DLQ_GROUP_TOPIC_PREFIX):
        if resource.startswith(prefix):
            return prefix, resource[len(prefix):]
    return "", resource


def wrap_namespace(namespace: str | None, resource: str | None) -> str | None:
    """Java ``NamespaceUtil.wrapNamespace``: ``Topic`` -> ``ns%Topic``, ``%RETRY%G`` -> ``%RETRY%ns%G``."""
    if not namespace or not resource or _is_system_resource(resource):
        return resource
    prefix, bare = _strip_retry_dlq(resource)
    if bare.startswith(namespace + NAMESPACE_SEPARATOR):
        return resource
    return f"{prefix}{namespace}{NAMESPACE_SEPARATOR}{bare}"


def without_namespace(resource: str | None, namespace: str | None) -> str | None:
    """Java ``NamespaceUtil.withoutNamespace(resource, namespace)``."""
    if not namespace or not resource:
        return resource
    prefix, bare = _strip_retry_dlq(resource)
    if bare.startswith(namespace + NAMESPACE_SEPARATOR):
        return prefix + bare[len(namespace) + 1:]
    return resource


@dataclass
class ClientConfig(JavaConfig):
    """Java ``ClientConfig`` with its 4.9.8 defaults (times in ms)."""

    namesrv_addr: str | None = config_field(default_factory=_default_namesrv_addr, important=True)
    client_ip: str = config_field(default_factory=get_local_address, key="clientIP")
    instance_name: str = config_field(
        default_factory=lambda: os.environ.get("ROCKETMQ_CLIENT_NAME", DEFAULT_INSTANCE_NAME))
    client_callback_executor_threads: int = config_field(default_factory=lambda: os.cpu_count() or 1)
    namespace: str | None = None
    poll_name_server_interval: int = 30 * 1000
    heartbeat_broker_interval: int = 30 * 1000
    persist_consumer_offset_interval: int = 5 * 1000
    pull_time_delay_mills_when_exception: int = 1000
    unit_mode: bool = False
    unit_name: str | None = None
    vip_channel_enabled: bool = False
    use_tls: bool = config_field(default_factory=tls_enable, key="useTLS")
    mq_client_api_timeout: int = 3 * 1000
    language: str = "PYTHON"

    def build_mq_client_id(self) -> str:
        """``clientIP@instanceName[@unitName]`` (Java ``buildMQClientId``; book A11.3.1)."""
        cid = f"{self.client_ip}@{self.instance_name}"
        if self.unit_name and self.unit_name.strip():
            cid += f"@{self.unit_name}"
        return cid

    def change_instance_name_to_pid(self) -> None:
        """Default instance name -> ``pid#nanoTime`` (Java 4.9.x ``changeInstanceNameToPID``)."""
        if self.instance_name == DEFAULT_INSTANCE_NAME:
            self.instance_name = f"{os.getpid()}#{time.monotonic_ns()}"

    def with_namespace(self, resource: str | None) -> str | None:
        return wrap_namespace(self.namespace, resource)

    def without_namespace(self, resource: str | None) -> str | None:
        return without_namespace(resource, self.namespace)

    def queue_with_namespace(self, queue: Any) -> Any:
        if not self.namespace:
            return queue
        return type(queue)(self.with_namespace(queue.topic), queue.broker_name, queue.queue_id)

    def clone_client_config(self) -> "ClientConfig":
        """A plain ``ClientConfig`` holding this object's client settings (Java ``cloneClientConfig``)."""
        cc = ClientConfig.__new__(ClientConfig)
        for f in dataclasses.fields(ClientConfig):
            setattr(cc, f.name, getattr(self, f.name))
        return cc

    def reset_client_config(self, cc: "ClientConfig") -> None:
        for f in dataclasses.fields(ClientConfig):
            setattr(self, f.name, getattr(cc, f.name))

    # Java-style accessors used by the public API
    def set_namesrv_addr(self, addr: str) -> None:
        self.namesrv_addr = addr

    def get_namesrv_addr(self) -> str | None:
        return self.namesrv_addr

    def set_instance_name(self, name: str) -> None:
        self.instance_name = name

    def get_instance_name(self) -> str:
        return self.instance_name

    def set_client_ip(self, ip: str) -> None:
        self.client_ip = ip

    def get_client_ip(self) -> str:
        return self.client_ip

    def set_namespace(self, namespace: str | None) -> None:
        self.namespace = namespace

    def get_namespace(self) -> str | None:
        return self.namespace

    def set_unit_name(self, unit_name: str | None) -> None:
        self.unit_name = unit_name

    def set_vip_channel_enabled(self, enabled: bool) -> None:
        self.vip_channel_enabled = enabled

    def set_poll_name_server_interval(self, ms: int) -> None:
        self.poll_name_server_interval = ms

    def set_heartbeat_broker_interval(self, ms: int) -> None:
        self.heartbeat_broker_interval = ms

    def set_persist_consumer_offset_interval(self, ms: int) -> None:
        self.persist_consumer_offset_interval = ms

    def set_pull_time_delay_mills_when_exception(self, ms: int) -> None:
        self.pull_time_delay_mills_when_exception = ms

    def set_mq_client_api_timeout(self, ms: int) -> None:
        self.mq_client_api_timeout = ms
