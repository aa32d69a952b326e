"""Topic commands: updateTopic, deleteTopic, updateTopicPerm, topicList, topicRoute, topicStatus,
topicClusterList, allocateMQ, updateOrderConf (Java ``tools.command.topic.*``; books A2.4, A8.4.1, B9.7.2)."""
from __future__ import annotations

from typing import Any, Callable, TextIO

from rocketmq_ref.common import mixall, topic_validator
from rocketmq_ref.common.sysflag import TopicSysFlag
from rocketmq_ref.common.topic_config import TopicConfig
from rocketmq_ref.common.utilall import frontstring_at_least, time_millis_to_human_string2
from rocketmq_ref.tools.command import command_util
from rocketmq_ref.tools.command.sub_command import (CommandLine, Option, OptionGroup, SubCommand,
                                                    ParseException, SubCommandException, java_bool,
                                                    java_int)

AdminFactory = Callable[[], Any]


class UpdateTopicSubCommand(SubCommand):
    name = "updateTopic"
    desc = "Update or create topic"

    def build_command_line_options(self) -> list:
        return [OptionGroup((Option("b", "brokerAddr", True, "create topic to which broker"),
                             Option("c", "clusterName", True, "create topic to which cluster")),
                            required=True),
                Option("t", "topic", True, "topic name", required=True),
                Option("r", "readQueueNums", True, "set read queue nums"),
                Option("w", "writeQueueNums", True, "set write queue nums"),
                Option("p", "perm", True, "set topic's permission(2|4|6), intro[2:W 4:R; 6:RW]"),
                Option("o", "order", True, "set topic's order(true|false)"),
                Option("u", "unit", True, "is unit topic (true|false)"),
                Option("s", "hasUnitSub", True, "has unit sub (true|false)")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        config = TopicConfig(topic_name=cl.get_option_value("t"), read_queue_nums=8,
                             write_queue_nums=8)
        problem = topic_validator.check_topic(config.topic_name)
        if problem:
            raise SubCommandException(problem)
        if cl.has_option("r"):
            config.read_queue_nums = java_int(cl.get_option_value("r"), "r")
        if cl.has_option("w"):
            config.write_queue_nums = java_int(cl.get_option_value("w"), "w")
        if cl.has_option("p"):
            config.perm = java_int(cl.get_option_value("p"), "p")
        config.topic_sys_flag = TopicSysFlag.build_sys_flag(java_bool(cl.get_option_value("u")),
                                                            java_bool(cl.get_option_value("s")))
        config.order = java_bool(cl.get_option_value("o"))
        admin = admin_factory()
        if cl.has_option("b"):
            addr = cl.get_option_value("b")
            admin.create_and_update_topic_config(addr, config)
            if config.order:
                broker_name = command_util.fetch_broker_name_by_addr(admin, addr)
                order_conf = f"{broker_name}:{config.write_queue_nums}"
                admin.create_or_update_order_conf(config.topic_name, order_conf, False)
                out.write(f"set broker orderConf. isOrder=true, orderConf=[{order_conf}]")
            out.write(f"create topic to {addr} success.\n")
            out.write(f"{config}")
            return
        cluster = cl.get_option_value("c")
        for addr in command_util.fetch_master_addr_by_cluster_name(admin, cluster):
            admin.create_and_update_topic_config(addr, config)
            out.write(f"create topic to {addr} success.\n")
        if config.order:
            names = command_util.fetch_broker_name_by_cluster_name(admin, cluster)
            order_conf = ";".join(f"{n}:{config.write_queue_nums}" for n in names)
            admin.create_or_update_order_conf(config.topic_name, order_conf, True)
            out.write(f"set cluster orderConf. isOrder=true, orderConf=[{order_conf}]")
        out.write(f"{config}")


def delete_topic(admin: Any, cluster_name: str, topic: str, out: TextIO) -> None:
    """Java ``DeleteTopicSubCommand.deleteTopic``: masters first, then every name server."""
    masters = command_util.fetch_master_addr_by_cluster_name(admin, cluster_name)
    admin.delete_topic_in_broker(masters, topic)
    out.write(f"delete topic [{topic}] from cluster [{cluster_name}] success.\n")
    admin.delete_topic_in_name_server(None, topic)
    out.write(f"delete topic [{topic}] from NameServer success.\n")


class DeleteTopicSubCommand(SubCommand):
    name = "deleteTopic"
    desc = "Delete topic from broker and NameServer."

    def build_command_line_options(self) -> list:
        return [Option("t", "topic", True, "topic name", required=True),
                Option("c", "clusterName", True, "delete topic from which cluster", required=True)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        delete_topic(admin_factory(), cl.get_option_value("c"), cl.get_option_value("t"), out)


class UpdateTopicPermSubCommand(SubCommand):
    name = "updateTopicPerm"
    desc = "Update topic perm"

    def build_command_line_options(self) -> list:
        return [OptionGroup((Option("b", "brokerAddr", True, "create topic to which broker"),
                             Option("c", "clusterName", True, "create topic to which cluster")),
                            required=True),
                Option("t", "topic", True, "topic name", required=True),
                Option("p", "perm", True, "set topic's permission(2|4|6), intro[2:W; 4:R; 6:RW]",
                       required=True)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        topic = cl.get_option_value("t")
        perm = java_int(cl.get_option_value("p"), "p")
        route = admin.examine_topic_route_info(topic)
        info = admin.examine_broker_cluster_info()
        if cl.has_option("b"):
            targets = [cl.get_option_value("b")]
        else:
            targets = command_util.fetch_master_addr_by_cluster_name(admin, cl.get_option_value("c"))
        for addr in targets:
            broker_name = next((bd.broker_name for bd in info.broker_addr_table.values()
                                if addr in bd.broker_addrs.values()), None)
            qd = next((q for q in route.queue_datas if q.broker_name == broker_name), None)
            if qd is None:
                raise SubCommandException(f"topic {topic} has no queues on broker {addr}")
            config = TopicConfig(topic_name=topic, read_queue_nums=qd.read_queue_nums,
                                 write_queue_nums=qd.write_queue_nums, perm=qd.perm,
                                 topic_sys_flag=qd.topic_sys_flag)
            if config.perm == perm:
                out.write("new perm equals to the old one!\n")
                continue
            old, config.perm = config.perm, perm
            admin.create_and_update_topic_config(addr, config)
            out.write(f"update topic perm from {old} to {perm} in {addr} success.\n")
            out.write(f"{config}.\n")


class TopicListSubCommand(SubCommand):
    name = "topicList"
    desc = "Fetch all topic list from name server"

    def build_command_line_options(self) -> list:
        return [Option("c", "clusterModel", False, "clusterModel")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        topics = sorted(admin.fetch_all_topic_list().topic_list)
        if not cl.has_option("c"):
            for topic in topics:
                out.write(f"{topic}\n")
            return
        info = admin.examine_broker_cluster_info()
        out.write(f"{'#Cluster Name':<20}  {'#Topic':<48}  {'#Consumer Group':<48}\n")
        for topic in topics:
            if topic.startswith((mixall.RETRY_GROUP_TOPIC_PREFIX, mixall.DLQ_GROUP_TOPIC_PREFIX)):
                continue
            cluster_name, groups = "", [""]
            try:
                route = admin.examine_topic_route_info(topic)
                broker_name = route.broker_datas[0].broker_name
                cluster_name = next((c for c, names in info.cluster_addr_table.items()
                                     if broker_name in names), "")
                groups = sorted(admin.query_topic_consume_by_who(topic).group_list) or [""]
            except Exception:  # noqa: BLE001 - Java prints the row with what it has
                pass
            for group in groups:
                out.write(f"{frontstring_at_least(cluster_name, 20):<20}  "
                          f"{frontstring_at_least(topic, 64):<64}  "
                          f"{frontstring_at_least(group, 64):<64}\n")


ROUTE_FORMAT = "{:<45} {:<32} {:<50} {:<10} {:<11} {:<5}\n"


class TopicRouteSubCommand(SubCommand):
    name = "topicRoute"
    desc = "Examine topic route info"

    def build_command_line_options(self) -> list:
        return [Option("t", "topic", True, "topic name", required=True),
                Option("l", "list", False, "Use list format to print data")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        route = admin_factory().examine_topic_route_info(cl.get_option_value("t"))
        if not cl.has_option("l"):
            out.write(route.encode(pretty=True).decode("utf-8") + "\n")
            return
        queues = {q.broker_name: q for q in route.queue_datas}
        out.write(ROUTE_FORMAT.format("#ClusterName", "#BrokerName", "#BrokerAddrs", "#ReadQueue",
                                      "#WriteQueue", "#Perm"))
        total_read = total_write = 0
        for bd in sorted(route.broker_datas, key=lambda b: b.broker_name):
            qd = queues.get(bd.broker_name)
            if qd is None:
                continue
            total_read += qd.read_queue_nums
            total_write += qd.write_queue_nums
            addrs = "{" + ", ".join(f"{k}={v}" for k, v in sorted(bd.broker_addrs.items())) + "}"
            out.write(ROUTE_FORMAT.format(bd.cluster, bd.broker_name, addrs, qd.read_queue_nums,
                                          qd.write_queue_nums, qd.perm))
        out.write("-" * 158 + "\n")
        out.write(ROUTE_FORMAT.format("Total:", len(queues), "", total_read, total_write, ""))


class TopicStatusSubCommand(SubCommand):
    name = "topicStatus"
    desc = "Examine topic Status info"

    def build_command_line_options(self) -> list:
        return [Option("t", "topic", True, "topic name", required=True)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        table = admin_factory().examine_topic_stats(cl.get_option_value("t"))
        out.write(f"{'#Broker Name':<32}  {'#QID':<4}  {'#Min Offset':<20}  {'#Max Offset':<20}"
                  f"    #Last Updated\n")
        for mq in sorted(table.offset_table):
            to = table.offset_table[mq]
            human = (time_millis_to_human_string2(to.last_update_timestamp)
                     if to.last_update_timestamp > 0 else "")
            out.write(f"{frontstring_at_least(mq.broker_name, 32):<32}  {mq.queue_id:<4}  "
                      f"{to.min_offset:<20}  {to.max_offset:<20}    {human}\n")


class TopicClusterSubCommand(SubCommand):
    name = "topicClusterList"
    desc = "get cluster info for topic"

    def build_command_line_options(self) -> list:
        return [Option("t", "topic", True, "topic name", required=True)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        for cluster in sorted(admin_factory().get_topic_cluster_list(cl.get_option_value("t"))):
            out.write(f"{cluster}\n")


COMMANDS = [UpdateTopicSubCommand, DeleteTopicSubCommand, UpdateTopicPermSubCommand,
            TopicListSubCommand, TopicRouteSubCommand, TopicStatusSubCommand, TopicClusterSubCommand]


class AllocateMQSubCommand(SubCommand):
    name = "allocateMQ"
    desc = "Allocate MQ"

    def build_command_line_options(self) -> list:
        return [Option("t", "topic", True, "topic name", required=True),
                Option("i", "ipList", True, "ipList", required=True)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        from rocketmq_ref.client.consumer.rebalance.allocate_message_queue_averagely import \
            AllocateMessageQueueAveragely
        from rocketmq_ref.client.impl.factory.mq_client_instance import MQClientInstance
        from rocketmq_ref.common import fastjson

        topic = cl.get_option_value("t")
        ips = cl.get_option_value("i").split(",")
        route = admin_factory().examine_topic_route_info(topic)
        mqs = sorted(MQClientInstance.topic_route_data2_topic_subscribe_info(topic, route))
        strategy = AllocateMessageQueueAveragely()
        result = {ip: [mq.to_json_value() for mq in strategy.allocate("aa", ip, mqs, ips)]
                  for ip in ips}
        out.write(fastjson.dumps({"result": result}, fastjson=True) + "\n")


class UpdateOrderConfCommand(SubCommand):
    name = "updateOrderConf"
    desc = "Create or update or delete order conf"

    def build_command_line_options(self) -> list:
        return [Option("t", "topic", True, "topic name", required=True),
                Option("v", "orderConf", True, "set order conf [eg. brokerName1:num;brokerName2:num]"),
                Option("m", "method", True, "option type [eg. put|get|delete", required=True)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        topic, method = cl.get_option_value("t"), cl.get_option_value("m")
        if method not in ("get", "put", "delete"):
            raise ParseException(f"-m must be put, get or delete, not {method!r}")
        admin = admin_factory()
        if method == "get":
            conf = admin.get_kv_config(ORDER_TOPIC_CONFIG, topic)
            shown = "null" if conf is None else conf  # Java concatenates a null String
            out.write(f"get orderConf success. topic=[{topic}], orderConf=[{shown}] ")
        elif method == "put":
            conf = cl.get_option_value("v", "")
            if not conf:
                raise ParseException("please set orderConf with option -v.")
            admin.create_or_update_order_conf(topic, conf, True)
            out.write(f"update orderConf success. topic=[{topic}], orderConf=[{conf}]")
        else:
            admin.delete_kv_config(ORDER_TOPIC_CONFIG, topic)
            out.write(f"delete orderConf success. topic=[{topic}]")


ORDER_TOPIC_CONFIG = "ORDER_TOPIC_CONFIG"  # Java NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG

COMMANDS += [AllocateMQSubCommand, UpdateOrderConfCommand]
