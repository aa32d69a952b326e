"""Export commands: exportMetadata, exportConfigs (Java ``tools.command.export.*``; books A2.4,
B9.7.2): a cluster's topics and subscription groups, or its broker settings, as JSON files."""
from __future__ import annotations

import os
import tempfile
import time
from typing import Any, Callable, TextIO

from rocketmq_ref.common import fastjson, mixall
from rocketmq_ref.tools.command import command_util
from rocketmq_ref.tools.command.sub_command import CommandLine, Option, SubCommand

AdminFactory = Callable[[], Any]

DEFAULT_FILE_PATH = os.path.join(tempfile.gettempdir(), "rocketmq", "export")

BROKER_KEYS = ("brokerClusterName", "brokerId", "brokerName", "brokerRole", "fileReservedTime",
               "filterServerNums", "flushDiskType", "maxMessageSize", "messageDelayLevel",
               "msgTraceTopicName", "slaveReadEnable", "traceOn", "traceTopicEnable", "useTLS",
               "autoCreateTopicEnable", "autoCreateSubscriptionGroup")


def _write(path: str, value: Any) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mixall.string2file_not_safe(fastjson.dumps(value, pretty=True), path)


class ExportMetadataCommand(SubCommand):
    name = "exportMetadata"
    desc = "export metadata"

    def build_command_line_options(self) -> list:
        return [Option("c", "clusterName", True, "choose a cluster to export"),
                Option("b", "brokerAddr", True, "choose a broker to export"),
                Option("f", "filePath", True,
                       f"export metadata.json path | default {DEFAULT_FILE_PATH}"),
                Option("t", "topic", False, "only export topic metadata"),
                Option("g", "subscriptionGroup", False, "only export subscriptionGroup metadata"),
                Option("s", "specialTopic", False, "need retryTopic and dlqTopic")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        base = cl.get_option_value("f", DEFAULT_FILE_PATH)
        special = cl.has_option("s")
        if not (cl.has_option("b") or cl.has_option("c")):
            out.write(self.help_text())
            return
        admin = admin_factory()
        if cl.has_option("b"):
            addr = cl.get_option_value("b")
            if cl.has_option("g"):
                path = os.path.join(base, "subscriptionGroup.json")
                _write(path, admin.get_user_subscription_group(addr))
            else:  # Java writes nothing without -t or -g here; the topics are the useful default
                path = os.path.join(base, "topic.json")
                _write(path, admin.get_user_topic_config(addr, special))
            out.write(f"export {path} success")
            return
        topics: dict[str, Any] = {}
        groups: dict[str, Any] = {}
        for addr in command_util.fetch_master_addr_by_cluster_name(admin, cl.get_option_value("c")):
            for name, tc in admin.get_user_topic_config(addr, special).topic_config_table.items():
                seen = topics.get(name)
                if seen is not None:  # queues add up over the brokers
                    tc.write_queue_nums += seen.write_queue_nums
                    tc.read_queue_nums += seen.read_queue_nums
                topics[name] = tc
            for name, sg in admin.get_user_subscription_group(addr).subscription_group_table.items():
                seen = groups.get(name)
                if seen is not None:
                    sg.retry_queue_nums += seen.retry_queue_nums
                groups[name] = sg
        result: dict[str, Any] = {}
        if cl.has_option("t"):
            result["topicConfigTable"], path = topics, os.path.join(base, "topic.json")
        elif cl.has_option("g"):
            result["subscriptionGroupTable"], path = groups, os.path.join(base, "subscriptionGroup.json")
        else:
            result["topicConfigTable"] = topics
            result["subscriptionGroupTable"] = groups
            path = os.path.join(base, "metadata.json")
        result["exportTime"] = int(time.time() * 1000)
        _write(path, result)
        out.write(f"export {path} success\n")


class ExportConfigsCommand(SubCommand):
    name = "exportConfigs"
    desc = "export configs"

    def build_command_line_options(self) -> list:
        return [Option("c", "clusterName", True, "choose a cluster to export", required=True),
                Option("f", "filePath", True, f"export configs.json path | default {DEFAULT_FILE_PATH}")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        path = os.path.join(cl.get_option_value("f", DEFAULT_FILE_PATH), "configs.json")
        masters = command_util.fetch_master_and_slave_distinguish(admin, cl.get_option_value("c"))
        broker_configs = {}
        for master in masters:
            props = admin.get_broker_config(master)
            broker_configs[props.get("brokerName", master)] = {k: props.get(k) for k in BROKER_KEYS}
        _write(path, {"brokerConfigs": broker_configs,
                      "clusterScale": {"namesrvSize": len(admin.get_name_server_address_list()),
                                       "masterBrokerSize": len(masters),
                                       "slaveBrokerSize": sum(len(s) for s in masters.values())}})
        out.write(f"export {path} success")


COMMANDS = [ExportMetadataCommand, ExportConfigsCommand]
