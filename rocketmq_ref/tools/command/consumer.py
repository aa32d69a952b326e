"""Consumer commands: consumerProgress, consumerStatus, updateSubGroup, deleteSubGroup,
getConsumerConfig, consumer (Java ``tools.command.consumer.*``; books A2.4, A8.4.1, B9.7.2)."""
from __future__ import annotations

import os
import time
from typing import Any, Callable, TextIO

from rocketmq_ref.client.exception import MQBrokerException, MQClientException
from rocketmq_ref.common import fastjson, mixall
from rocketmq_ref.common.mq_version import get_version_desc
from rocketmq_ref.common.subscription_group_config import SubscriptionGroupConfig
from rocketmq_ref.common.utilall import format_date, frontstring_at_least
from rocketmq_ref.tools.command import command_util
from rocketmq_ref.tools.command.sub_command import (CommandLine, Option, OptionGroup, SubCommand,
                                                    java_bool, java_int)
from rocketmq_ref.tools.command.topic import delete_topic

AdminFactory = Callable[[], Any]


class ConsumerProgressSubCommand(SubCommand):
    name = "consumerProgress"
    desc = "Query consumers's progress, speed"

    def build_command_line_options(self) -> list:
        return [Option("g", "groupName", True, "consumer group name"),
                Option("s", "showClientIP", True, "Show Client IP per Queue")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        if cl.has_option("g"):
            self.print_group(admin, cl.get_option_value("g"),
                             java_bool(cl.get_option_value("s")), out)
        else:
            self.print_all_groups(admin, out)

    @staticmethod
    def _allocation(admin: Any, group: str) -> dict[Any, str]:
        """Which client holds each queue, from the clients' running info."""
        from rocketmq_ref.common.message import MessageQueue

        result = {}
        try:
            cc = admin.examine_consumer_connection_info(group)
        except (MQClientException, MQBrokerException):
            return result
        for conn in cc.connection_set:
            try:
                info = admin.get_consumer_running_info(group, conn.client_id)
            except (MQClientException, MQBrokerException):
                continue
            for key in (info.get("mqTable") or {}):
                mq = MessageQueue.from_json_value(dict(key) if not isinstance(key, str)
                                                  else fastjson.loads(key))
                result[mq] = conn.client_id.split("@")[0]
        return result

    def print_group(self, admin: Any, group: str, show_client_ip: bool, out: TextIO) -> None:
        stats = admin.examine_consume_stats(group)
        allocation = self._allocation(admin, group) if show_client_ip else {}
        if show_client_ip:
            out.write(f"{'#Topic':<64}  {'#Broker Name':<32}  {'#QID':<4}  {'#Broker Offset':<20}  "
                      f"{'#Consumer Offset':<20}  {'#Client IP':<20} {'#Diff':<20}  #LastTime\n")
        else:
            out.write(f"{'#Topic':<64}  {'#Broker Name':<32}  {'#QID':<4}  {'#Broker Offset':<20}  "
                      f"{'#Consumer Offset':<20}  {'#Diff':<20}  #LastTime\n")
        diff_total = 0
        for mq in sorted(stats.offset_table):
            ow = stats.offset_table[mq]
            diff = ow.broker_offset - ow.consumer_offset
            diff_total += diff
            last = "N/A" if ow.last_timestamp == 0 else format_date(ow.last_timestamp)
            head = (f"{frontstring_at_least(mq.topic, 64):<64}  "
                    f"{frontstring_at_least(mq.broker_name, 32):<32}  {mq.queue_id:<4}  "
                    f"{ow.broker_offset:<20}  {ow.consumer_offset:<20}  ")
            if show_client_ip:
                out.write(f"{head}{allocation.get(mq, 'N/A'):<20} {diff:<20}  {last}\n")
            else:
                out.write(f"{head}{diff:<20}  {last}\n")
        out.write("\n")
        out.write(f"Consume TPS: {stats.consume_tps:.2f}\n")
        out.write(f"Diff Total: {diff_total}\n")

    def print_all_groups(self, admin: Any, out: TextIO) -> None:
        out.write(f"{'#Group':<64}  {'#Count':<6}  {'#Version':<24} {'#Type':<5}  {'#Model':<14}  "
                  f"{'#TPS':<7}  #Diff Total\n")
        for topic in sorted(admin.fetch_all_topic_list().topic_list):
            if not topic.startswith(mixall.RETRY_GROUP_TOPIC_PREFIX):
                continue
            group = topic[len(mixall.RETRY_GROUP_TOPIC_PREFIX):]
            tps, diff, count, version, ctype, model = 0, 0, 0, "OFFLINE", "", ""
            try:
                stats = admin.examine_consume_stats(group)
                tps, diff = int(stats.consume_tps), stats.compute_total_diff()
            except (MQClientException, MQBrokerException):
                pass
            try:
                cc = admin.examine_consumer_connection_info(group)
                count = len(cc.connection_set)
                version = get_version_desc(min(c.version for c in cc.connection_set))
                passive = cc.consume_type is not None and cc.consume_type.name == "CONSUME_PASSIVELY"
                ctype = "PUSH" if passive else "PULL"
                model = cc.message_model.name if passive and cc.message_model else ""
            except (MQClientException, MQBrokerException):
                pass
            out.write(f"{frontstring_at_least(group, 64):<64}  {count:<6}  {version:<24} "
                      f"{ctype:<5}  {model:<14}  {tps:<7}  {diff}\n")


def format_running_info(info: dict[str, Any]) -> str:
    """Java ``ConsumerRunningInfo.formatString`` (properties, subscriptions, offsets, queues, the
    consumer's RT and TPS per topic)."""
    from rocketmq_ref.common.message import MessageQueue

    lines = ["#Consumer Properties#"]
    for key, value in sorted((info.get("properties") or {}).items()):
        lines.append(f"{key:<40}: {value}")
    lines.append("")
    lines.append("#Consumer Subscription#")
    for i, sd in enumerate(info.get("subscriptionSet") or [], 1):
        sd = sd if isinstance(sd, dict) else {"topic": str(sd)}
        lines.append(f"{i:03d} Topic: {sd.get('topic', ''):<40} ClassFilter: "
                     f"{str(sd.get('classFilterMode', False)).lower():<8} SubExpression: "
                     f"{sd.get('subString', '')}")
    lines.append("")
    lines.append("#Consumer Offset#")
    lines.append(f"{'#Topic':<32}  {'#Broker Name':<32}  {'#QID':<4}  {'#Consumer Offset':<20}")
    table = []
    for key, pq in (info.get("mqTable") or {}).items():
        mq = MessageQueue.from_json_value(fastjson.loads(key) if isinstance(key, str) else dict(key))
        table.append((mq, pq))
    for mq, pq in sorted(table, key=lambda t: t[0]):
        lines.append(f"{mq.topic:<32}  {mq.broker_name:<32}  {mq.queue_id:<4}  "
                     f"{pq.get('commitOffset', 0):<20}")
    lines.append("")
    lines.append("#Consumer MQ Detail#")
    lines.append(f"{'#Topic':<32}  {'#Broker Name':<32}  {'#QID':<4}  {'#ProcessQueueInfo':<20}")
    for mq, pq in sorted(table, key=lambda t: t[0]):
        detail = ", ".join(f"{k}={v}" for k, v in pq.items())
        lines.append(f"{mq.topic:<32}  {mq.broker_name:<32}  {mq.queue_id:<4}  "
                     f"ProcessQueueInfo [{detail}]")
    lines.append("")
    lines.append("#Consumer RT&TPS#")
    lines.append(f"{'#Topic':<64}  {'#Pull RT':>14} {'#Pull TPS':>14} {'#Consume RT':>14} {'#ConsumeOK TPS':>14} "
                 f"{'#ConsumeFailed TPS':>18} {'#ConsumeFailedMsgsInHour':>25}")
    for topic, cs in (info.get("statusTable") or {}).items():
        cs = cs if isinstance(cs, dict) else cs.to_json_value()
        lines.append(f"{topic:<32}  {float(cs.get('pullRT', 0)):14.2f} {float(cs.get('pullTPS', 0)):14.2f} "
                     f"{float(cs.get('consumeRT', 0)):14.2f} {float(cs.get('consumeOKTPS', 0)):14.2f} "
                     f"{float(cs.get('consumeFailedTPS', 0)):18.2f} {int(cs.get('consumeFailedMsgs', 0)):25d}")
    return "\n".join(lines) + "\n"


def _queues_of(info: dict[str, Any]) -> set[str]:
    return {fastjson.dumps(k) if not isinstance(k, str) else k for k in (info.get("mqTable") or {})}


class ConsumerStatusSubCommand(SubCommand):
    name = "consumerStatus"
    desc = "Query consumer's internal data structure"
    header = f"{'#Index':<10} {'#ClientId':<40} {'#Version':<20} #ConsumerRunningInfoFile\n"

    def build_command_line_options(self) -> list:
        return [Option("g", "consumerGroup", True, "consumer group name", required=True),
                Option("i", "clientId", True, "The consumer's client id"),
                Option("b", "brokerAddr", True, "broker address"),
                Option("s", "jstack", False, "Run jstack command in the consumer progress")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        group = cl.get_option_value("g")
        jstack = cl.has_option("s")
        if cl.has_option("i"):
            info = admin.get_consumer_running_info(group, cl.get_option_value("i"), jstack)
            out.write(format_running_info(info))
            return
        cc = admin.examine_consumer_connection_info(group, cl.get_option_value("b"))
        self.print_running_infos(admin, group, cc, jstack, out)

    @staticmethod
    def row(i: int, client_id: str, version: str, path: str) -> str:
        return f"{i:<10} {client_id:<40} {version:<20} {path}\n"

    def print_running_infos(self, admin: Any, group: str, cc: Any, jstack: bool, out: TextIO) -> None:
        """Each client's running info to ``<now>/<clientId>`` and a row; then whether the group
        agrees on its subscription and no queue is held twice (Java ``analyzeSubscription`` and
        ``analyzeRebalance``)."""
        now = int(time.time() * 1000)
        out.write(self.header)
        infos: dict[str, dict[str, Any]] = {}
        for i, conn in enumerate(sorted(cc.connection_set, key=lambda c: c.client_id), 1):
            info = admin.get_consumer_running_info(group, conn.client_id, jstack)
            infos[conn.client_id] = info
            path = f"{now}/{conn.client_id}"  # relative to the working directory, like Java
            os.makedirs(os.path.dirname(path), exist_ok=True)
            mixall.string2file_not_safe(format_running_info(info), path)
            out.write(self.row(i, conn.client_id, get_version_desc(conn.version), path))
        if not infos:
            return
        subs = {fastjson.dumps(sorted((s.get("topic", ""), s.get("subString", ""))
                                      for s in (i.get("subscriptionSet") or []) if isinstance(s, dict)))
                for i in infos.values()}
        if len(subs) == 1:
            out.write("\n\nSame subscription in the same group of consumer")
            held: list[str] = [q for i in infos.values() for q in _queues_of(i)]
            rebalance_ok = len(held) == len(set(held))
            out.write(f"\n\nRebalance {'OK' if rebalance_ok else 'Failed'}\n")
        else:
            out.write("\n\nWARN: Different subscription in the same group of consumer!!!")


class ConsumerSubCommand(ConsumerStatusSubCommand):
    """Java ``ConsumerSubCommand``: ``consumerStatus`` without ``-i``/``-b`` and a row per client."""

    name = "consumer"
    desc = "Query consumer's connection, status, etc."
    header = ""

    def build_command_line_options(self) -> list:
        return [Option("g", "consumerGroup", True, "consumer group name", required=True),
                Option("s", "jstack", False, "Run jstack command in the consumer progress")]

    @staticmethod
    def row(i: int, client_id: str, version: str, path: str) -> str:
        return f"{i:03d}  {client_id:<40} {version:<20} {path}\n"

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        group = cl.get_option_value("g")
        cc = admin.examine_consumer_connection_info(group)
        self.print_running_infos(admin, group, cc, cl.has_option("s"), out)


def subscription_group_string(c: SubscriptionGroupConfig) -> str:
    """Java ``SubscriptionGroupConfig.toString``."""
    b = lambda v: str(v).lower()  # noqa: E731
    return (f"SubscriptionGroupConfig [groupName={c.group_name}, consumeEnable={b(c.consume_enable)}, "
            f"consumeFromMinEnable={b(c.consume_from_min_enable)}, "
            f"consumeBroadcastEnable={b(c.consume_broadcast_enable)}, "
            f"retryQueueNums={c.retry_queue_nums}, retryMaxTimes={c.retry_max_times}, "
            f"brokerId={c.broker_id}, whichBrokerWhenConsumeSlowly={c.which_broker_when_consume_slowly}, "
            f"notifyConsumerIdsChangedEnable={b(c.notify_consumer_ids_changed_enable)}]")


class UpdateSubGroupSubCommand(SubCommand):
    name = "updateSubGroup"
    desc = "Update or create subscription group"

    def build_command_line_options(self) -> list:
        return [OptionGroup((Option("b", "brokerAddr", True, "create subscription group to which broker"),
                             Option("c", "clusterName", True,
                                    "create subscription group to which cluster")), required=True),
                Option("g", "groupName", True, "consumer group name", required=True),
                Option("s", "consumeEnable", True, "consume enable"),
                Option("m", "consumeFromMinEnable", True, "from min offset"),
                Option("d", "consumeBroadcastEnable", True, "broadcast"),
                Option("q", "retryQueueNums", True, "retry queue nums"),
                Option("r", "retryMaxTimes", True, "retry max times"),
                Option("i", "brokerId", True, "consumer from which broker id"),
                Option("w", "whichBrokerWhenConsumeSlowly", True, "which broker id when consume slowly"),
                Option("a", "notifyConsumerIdsChanged", True, "notify consumerId changed")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        config = SubscriptionGroupConfig(group_name=cl.get_option_value("g"),
                                         consume_broadcast_enable=False,
                                         consume_from_min_enable=False)
        if cl.has_option("s"):
            config.consume_enable = java_bool(cl.get_option_value("s"))
        if cl.has_option("m"):
            config.consume_from_min_enable = java_bool(cl.get_option_value("m"))
        if cl.has_option("d"):
            config.consume_broadcast_enable = java_bool(cl.get_option_value("d"))
        if cl.has_option("q"):
            config.retry_queue_nums = java_int(cl.get_option_value("q"), "q")
        if cl.has_option("r"):
            config.retry_max_times = java_int(cl.get_option_value("r"), "r")
        if cl.has_option("i"):
            config.broker_id = java_int(cl.get_option_value("i"), "i")
        if cl.has_option("w"):
            config.which_broker_when_consume_slowly = java_int(cl.get_option_value("w"), "w")
        if cl.has_option("a"):
            config.notify_consumer_ids_changed_enable = java_bool(cl.get_option_value("a"))
        admin = admin_factory()
        if cl.has_option("b"):
            targets = [cl.get_option_value("b")]
        else:
            targets = command_util.fetch_master_addr_by_cluster_name(admin, cl.get_option_value("c"))
        for addr in targets:
            admin.create_and_update_subscription_group_config(addr, config)
            out.write(f"create subscription group to {addr} success.\n")
        out.write(subscription_group_string(config))


class DeleteSubscriptionGroupCommand(SubCommand):
    name = "deleteSubGroup"
    desc = "Delete subscription group from broker."

    def build_command_line_options(self) -> list:
        return [OptionGroup((Option("b", "brokerAddr", True, "delete subscription group from which broker"),
                             Option("c", "clusterName", True,
                                    "delete subscription group from which cluster")), required=True),
                Option("g", "groupName", True, "subscription group name", required=True),
                Option("r", "removeOffset", True, "remove offset")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        group = cl.get_option_value("g")
        remove_offset = java_bool(cl.get_option_value("r"))
        if cl.has_option("b"):
            addr = cl.get_option_value("b")
            admin.delete_subscription_group(addr, group, remove_offset)
            out.write(f"delete subscription group [{group}] from broker [{addr}] success.\n")
            return
        cluster = cl.get_option_value("c")
        for master in command_util.fetch_master_addr_by_cluster_name(admin, cluster):
            admin.delete_subscription_group(master, group, remove_offset)
            out.write(f"delete subscription group [{group}] from broker [{master}] in cluster "
                      f"[{cluster}] success.\n")
        for topic in (mixall.get_retry_topic(group), mixall.get_dlq_topic(group)):
            try:
                delete_topic(admin, cluster, topic, out)
            except (MQClientException, MQBrokerException):
                pass  # Java prints the stack trace and goes on: the topic may not exist


COMMANDS = [ConsumerProgressSubCommand, ConsumerStatusSubCommand, ConsumerSubCommand,
            UpdateSubGroupSubCommand, DeleteSubscriptionGroupCommand]


class GetConsumerConfigSubCommand(SubCommand):
    name = "getConsumerConfig"
    desc = "Get consumer config by subscription group name!"

    def build_command_line_options(self) -> list:
        return [Option("g", "groupName", True, "subscription group name", required=True)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        import dataclasses

        admin = admin_factory()
        group = cl.get_option_value("g")
        info = admin.examine_broker_cluster_info()
        for broker_name, bd in sorted(info.broker_addr_table.items()):
            config = admin.examine_subscription_group_config(bd.select_broker_addr(), group)
            if config is None:
                continue
            cluster = next((c for c, names in info.cluster_addr_table.items()
                            if broker_name in names), None)
            out.write(f"============================={cluster}:{broker_name}"
                      "=============================\n")
            for f in dataclasses.fields(config):
                value = getattr(config, f.name)
                text = "" if value is None else str(value).lower() if isinstance(value, bool) else value
                out.write(f"{_camel(f.name):<40}=  {text}\n")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.capitalize() for w in rest)


COMMANDS += [GetConsumerConfigSubCommand]
