"""The remoting module: one server (a name server's), one client, the three ways to invoke --
sync, async with a callback, oneway -- and the same request framed with both header encodings,
JSON and the binary ROCKETMQ one, decoded back field by field.
"""
from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from rocketmq_ref.common.protocol.header.namesrv.get_kv_config_request_header import (
    GetKVConfigRequestHeader)
from rocketmq_ref.common.protocol.header.namesrv.get_route_info_request_header import (
    GetRouteInfoRequestHeader)
from rocketmq_ref.common.protocol.header.namesrv.put_kv_config_request_header import (
    PutKVConfigRequestHeader)
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.namesrv.namesrv_startup import (build_commandline_options,
                                                  create_namesrv_controller)
from rocketmq_ref.remoting.netty.remoting_client import NettyRemotingClient
from rocketmq_ref.remoting.protocol.language_code import SerializeType
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough


def hexdump(data: bytes) -> str:
    rows = []
    for i in range(0, len(data), 16):
        chunk = data[i:i + 16]
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        rows.append(f"{i:04x}  {chunk.hex(' '):<47}  {text}")
    return "\n".join(rows)


def framed(serialize_type: SerializeType) -> str:
    """A GET_ROUTEINFO_BY_TOPIC request encoded with one header encoding, and decoded back."""
    request = RemotingCommand.create_request_command(
        RequestCode.GET_ROUTEINFO_BY_TOPIC, GetRouteInfoRequestHeader(topic="TopicTest"))
    request.serialize_type_current_rpc = serialize_type
    request.opaque = 7  # a fixed request id, so the bytes are the same every run
    frame = request.encode()
    length = int.from_bytes(frame[:4], "big")
    word = int.from_bytes(frame[4:8], "big")
    back = RemotingCommand.decode(frame[4:])
    return (f"{serialize_type.name} header: {len(frame)} bytes; length field {length}, "
            f"header-length word 0x{word:08x} (serialize type {word >> 24}, "
            f"header {word & 0xFFFFFF} bytes)\n{hexdump(frame)}\n"
            f"decoded: code={back.code} language={back.language.name} version={back.version} "
            f"opaque={back.opaque} flag={back.flag} ext_fields={back.ext_fields}\n")


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-remoting-") as tmp:
        config_file = Path(tmp, "namesrv.properties")
        config_file.write_text(f"listenPort=0\nkvConfigPath={tmp}/kvConfig.json\n",
                               encoding="utf-8")
        controller = create_namesrv_controller(
            build_commandline_options().parse_args(["-c", str(config_file)]))
        assert controller is not None and controller.initialize()
        controller.start()
        client = NettyRemotingClient()
        client.start()
        try:
            addr = f"127.0.0.1:{controller.local_listen_port()}"
            # oneway: no response, the flag's bit 1 says so
            client.invoke_oneway(addr, RemotingCommand.create_request_command(
                RequestCode.PUT_KV_CONFIG,
                PutKVConfigRequestHeader(namespace="ORDER_TOPIC_CONFIG", key="TopicTest",
                                         value="broker-a:4")), 3000)
            # the oneway has no answer to wait for: watch the server's table instead
            for _ in range(500):
                if controller.kv_config_manager.get_kv_config("ORDER_TOPIC_CONFIG", "TopicTest"):
                    break
                threading.Event().wait(0.01)
            # sync: block until the response with the same opaque arrives
            response = client.invoke_sync(addr, RemotingCommand.create_request_command(
                RequestCode.GET_KV_CONFIG,
                GetKVConfigRequestHeader(namespace="ORDER_TOPIC_CONFIG", key="TopicTest")), 3000)
            assert response.code == ResponseCode.SUCCESS, response
            assert (response.ext_fields or {}).get("value") == "broker-a:4", response
            # async: the callback runs when the response arrives
            done = threading.Event()
            answers: list[int] = []

            def on_response(future) -> None:
                answers.append(future.response_command.code)
                done.set()

            client.invoke_async(addr, RemotingCommand.create_request_command(
                RequestCode.GET_ROUTEINFO_BY_TOPIC, GetRouteInfoRequestHeader(topic="TopicTest")),
                3000, on_response)
            assert done.wait(10) and answers == [ResponseCode.TOPIC_NOT_EXIST], answers
        finally:
            client.shutdown()
            controller.shutdown()
    return {"json": framed(SerializeType.JSON), "rocketmq": framed(SerializeType.ROCKETMQ)}


WALKTHROUGH = Walkthrough(
    name="remoting_round_trip",
    title="Remoting: sync, async and oneway invokes, the frame with both header encodings",
    sections=("A4.3", "A4.3.1", "A4.3.2", "A13", "A13.4", "A13.4.1", "A13.4.2"),
    scenario=scenario,
    stops=(
        Stop("KVConfigManager.put_kv_config", locals=("namespace", "key", "value")),
        Stop("DefaultRequestProcessor.get_route_info_by_topic", locals=("request",)),
    ),
    service="remoting",
)
