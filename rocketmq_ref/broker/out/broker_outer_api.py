"""The broker's calls to name servers (Java ``broker.out.BrokerOuterAPI``; A4.2, B2.3.2): register with
every name server in parallel (compressed or not, with a CRC32 of the body), unregister on shutdown."""
from __future__ import annotations

import concurrent.futures
import logging
import zlib

from opentelemetry import context as otel_context

from rocketmq_ref.common.mixall import broker_vip_channel
from rocketmq_ref.common.protocol.body.consumer_offset_serialize_wrapper import ConsumerOffsetSerializeWrapper
from rocketmq_ref.common.protocol.body.kv_table import KVTable
from rocketmq_ref.common.protocol.body.register_broker_body import RegisterBrokerBody
from rocketmq_ref.common.protocol.body.subscription_group_wrapper import SubscriptionGroupWrapper
from rocketmq_ref.common.protocol.body.topic_config_serialize_wrapper import TopicConfigSerializeWrapper
from rocketmq_ref.common.fastjson import dumps
from rocketmq_ref.common.protocol.header.namesrv.query_data_version_request_header import (
    QueryDataVersionRequestHeader)
from rocketmq_ref.common.protocol.header.namesrv.query_data_version_response_header import (
    QueryDataVersionResponseHeader)
from rocketmq_ref.common.protocol.header.namesrv.register_broker_request_header import RegisterBrokerRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.register_broker_response_header import (
    RegisterBrokerResponseHeader)
from rocketmq_ref.common.protocol.header.namesrv.un_register_broker_request_header import (
    UnRegisterBrokerRequestHeader)
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.tracing import span
from rocketmq_ref.remoting.netty.configs import NettyClientConfig
from rocketmq_ref.remoting.netty.remoting_client import NettyRemotingClient
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

log = logging.getLogger("rocketmq_ref.broker")

_JAVA = "org.apache.rocketmq.broker.out.BrokerOuterAPI"


class MQBrokerException(Exception):
    """A name server answered with an error code (Java ``MQBrokerException``)."""

    def __init__(self, code: int, remark: str | None, addr: str | None = None) -> None:
        super().__init__(f"CODE: {code} DESC: {remark} BROKER: {addr}")
        self.response_code = code
        self.error_message = remark


class RegisterBrokerResult:
    __slots__ = ("ha_server_addr", "master_addr", "kv_table")

    def __init__(self, ha_server_addr: str | None, master_addr: str | None, kv_table: KVTable | None) -> None:
        self.ha_server_addr = ha_server_addr
        self.master_addr = master_addr
        self.kv_table = kv_table


class BrokerOuterAPI:
    def __init__(self, netty_client_config: NettyClientConfig | None = None) -> None:
        self.remoting_client = NettyRemotingClient(netty_client_config or NettyClientConfig())
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=4,
                                                               thread_name_prefix="brokerOutApi_thread_")

    def start(self) -> None:
        self.remoting_client.start()

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self.remoting_client.shutdown()

    def update_name_server_address_list(self, addrs: str) -> None:
        lst = [a.strip() for a in (addrs or "").split(";") if a.strip()]
        self.remoting_client.update_name_server_address_list(lst)

    def get_name_server_address_list(self) -> list[str]:
        return self.remoting_client.get_name_server_address_list()

    def register_broker_all(self, cluster_name: str, broker_addr: str, broker_name: str, broker_id: int,
                            ha_server_addr: str, topic_config_wrapper: TopicConfigSerializeWrapper,
                            filter_server_list: list[str], oneway: bool, timeout_mills: int,
                            compressed: bool) -> list[RegisterBrokerResult]:
        """REGISTER_BROKER to every name server in parallel; the answers that came back."""
        addrs = self.get_name_server_address_list()
        if not addrs:
            return []
        body = RegisterBrokerBody(topic_config_wrapper, list(filter_server_list or [])).encode(compressed)
        crc = zlib.crc32(body) & 0x7FFFFFFF
        results: list[RegisterBrokerResult] = []
        with span("BrokerOuterAPI.register_broker_all", java=_JAVA + "#registerBrokerAll", books=("A4.2", "B2.3.2"),
                  attributes={"rocketmq.broker.name": broker_name, "rocketmq.broker.addr": broker_addr,
                              "rocketmq.namesrv.count": len(addrs),
                              "rocketmq.register.topics": len(topic_config_wrapper.topic_config_table),
                              "rocketmq.register.compressed": compressed}) as s:
            parent = otel_context.get_current()

            def one(addr: str) -> RegisterBrokerResult | None:
                token = otel_context.attach(parent)
                try:
                    header = RegisterBrokerRequestHeader(
                        broker_name=broker_name, broker_addr=broker_addr, cluster_name=cluster_name,
                        ha_server_addr=ha_server_addr, broker_id=broker_id, compressed=compressed,
                        body_crc32=crc)
                    return self.register_broker(addr, oneway, timeout_mills, header, body)
                except Exception as e:
                    log.warning("registerBroker Exception, %s: %s", addr, e)
                    return None
                finally:
                    otel_context.detach(token)
            futures = [self._executor.submit(one, addr) for addr in addrs]
            for f in futures:
                try:
                    r = f.result(timeout=timeout_mills / 1000 + 1)
                except Exception as e:
                    log.warning("registerBroker wait failed: %s", e)
                    r = None
                if r is not None:
                    results.append(r)
            if s.is_recording():
                s.set_attribute("rocketmq.register.ok", len(results))
        return results

    def register_broker(self, namesrv_addr: str, oneway: bool, timeout_mills: int,
                        header: RegisterBrokerRequestHeader, body: bytes) -> RegisterBrokerResult | None:
        request = RemotingCommand.create_request_command(RequestCode.REGISTER_BROKER, header, body)
        if oneway:
            self.remoting_client.invoke_oneway(namesrv_addr, request, timeout_mills)
            return None
        response = self.remoting_client.invoke_sync(namesrv_addr, request, timeout_mills)
        if response.code != ResponseCode.SUCCESS:
            raise MQBrokerException(response.code, response.remark, namesrv_addr)
        rh = RegisterBrokerResponseHeader.decode(response.ext_fields or {})
        kv = KVTable.from_json(response.body) if response.body else None
        return RegisterBrokerResult(rh.ha_server_addr, rh.master_addr, kv)

    def need_register(self, cluster_name: str, broker_addr: str, broker_name: str, broker_id: int,
                      topic_config_wrapper: TopicConfigSerializeWrapper, timeout_mills: int) -> bool:
        """QUERY_DATA_VERSION to every name server: True when any of them has another version of our
        topics (or did not answer), i.e. when a full registration is due (Java ``needRegister``)."""
        body = dumps(topic_config_wrapper.data_version).encode()
        for addr in self.get_name_server_address_list():
            try:
                header = QueryDataVersionRequestHeader(broker_name=broker_name, broker_addr=broker_addr,
                                                       cluster_name=cluster_name, broker_id=broker_id)
                request = RemotingCommand.create_request_command(RequestCode.QUERY_DATA_VERSION, header, body)
                response = self.remoting_client.invoke_sync(addr, request, timeout_mills)
                if response.code != ResponseCode.SUCCESS:
                    return True
                changed = QueryDataVersionResponseHeader.decode(response.ext_fields or {}).changed
                if changed is None or changed:
                    return True
            except Exception as e:
                log.warning("Query data version from name server %s Exception, %s", addr, e)
                return True
        return False

    # -- a slave reads its master's metadata (SlaveSynchronize; B7) ------------------------------

    def _invoke_broker(self, addr: str, code: int) -> bytes:
        request = RemotingCommand.create_request_command(code, None)
        response = self.remoting_client.invoke_sync(addr, request, 3000)
        if response.code != ResponseCode.SUCCESS:
            raise MQBrokerException(response.code, response.remark, addr)
        return response.body or b""

    def get_all_topic_config(self, addr: str) -> TopicConfigSerializeWrapper:
        """GET_ALL_TOPIC_CONFIG through the master's VIP channel, as Java does."""
        return TopicConfigSerializeWrapper.decode(
            self._invoke_broker(broker_vip_channel(True, addr), RequestCode.GET_ALL_TOPIC_CONFIG))

    def get_all_consumer_offset(self, addr: str) -> ConsumerOffsetSerializeWrapper:
        return ConsumerOffsetSerializeWrapper.decode(
            self._invoke_broker(addr, RequestCode.GET_ALL_CONSUMER_OFFSET))

    def get_all_delay_offset(self, addr: str) -> str:
        return self._invoke_broker(addr, RequestCode.GET_ALL_DELAY_OFFSET).decode("utf-8")

    def get_all_subscription_group_config(self, addr: str) -> SubscriptionGroupWrapper:
        return SubscriptionGroupWrapper.decode(
            self._invoke_broker(addr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG))

    def unregister_broker_all(self, cluster_name: str, broker_addr: str, broker_name: str, broker_id: int) -> None:
        with span("BrokerOuterAPI.unregister_broker_all", java=_JAVA + "#unregisterBrokerAll", books=("A4.2",)):
            for addr in self.get_name_server_address_list():
                try:
                    header = UnRegisterBrokerRequestHeader(broker_name=broker_name, broker_addr=broker_addr,
                                                           cluster_name=cluster_name, broker_id=broker_id)
                    request = RemotingCommand.create_request_command(RequestCode.UNREGISTER_BROKER, header)
                    response = self.remoting_client.invoke_sync(addr, request, 3000)
                    if response.code != ResponseCode.SUCCESS:
                        raise MQBrokerException(response.code, response.remark, addr)
                    log.info("unregisterBroker OK, NamesrvAddr: %s", addr)
                except Exception as e:
                    log.warning("unregisterBroker Exception, %s: %s", addr, e)
