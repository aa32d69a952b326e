"""Name server start-up: command line to controller, initialize, start, first request, shutdown.

The same steps ``mqnamesrv`` takes: parse the command line, build ``NamesrvConfig`` and
``NettyServerConfig`` from the properties file and ``-o`` overrides, create the controller,
initialize it (KV config, remoting server, request processors), start it (listening socket and the
scan thread), answer a client's route query over TCP, and shut down.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from rocketmq_ref.common.protocol.header.namesrv.get_route_info_request_header import (
    GetRouteInfoRequestHeader)
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.namesrv.namesrv_startup import build_commandline_options, create_namesrv_controller
from rocketmq_ref.remoting.netty.remoting_client import NettyRemotingClient
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough


def scenario() -> None:
    with tempfile.TemporaryDirectory(prefix="walkthrough-namesrv-") as tmp:
        config_file = Path(tmp, "namesrv.properties")
        config_file.write_text(f"listenPort=0\nkvConfigPath={tmp}/kvConfig.json\n"
                               "scanNotActiveBrokerInterval=5000\n", encoding="utf-8")
        args = build_commandline_options().parse_args(["-c", str(config_file)])
        controller = create_namesrv_controller(args)
        assert controller is not None
        assert controller.initialize()
        controller.start()
        client = NettyRemotingClient()
        client.start()
        try:
            addr = f"127.0.0.1:{controller.local_listen_port()}"
            request = RemotingCommand.create_request_command(
                RequestCode.GET_ROUTEINFO_BY_TOPIC, GetRouteInfoRequestHeader(topic="TopicTest"))
            response = client.invoke_sync(addr, request, 3000)
            # nothing registered yet: the answer a producer turns into "No route info"
            assert response.code == ResponseCode.TOPIC_NOT_EXIST, response
        finally:
            client.shutdown()
            controller.shutdown()


WALKTHROUGH = Walkthrough(
    name="namesrv_startup",
    title="Name server start-up: command line, controller, initialize, start, first request",
    sections=("B2.2", "A10.1", "A10.1.1", "A10.1.2", "A10.1.3"),
    scenario=scenario,
    stops=(
        Stop("NamesrvController.initialize", locals=("self",)),
        Stop("DefaultRequestProcessor.get_route_info_by_topic", locals=("request",)),
    ),
    service="namesrv",
)
