"""statsAll: TPS and 24-hour counts per topic and group (Java
``tools.command.stats.StatsAllSubCommand``; books A2.4, B9.7.2)."""
from __future__ import annotations

from typing import Any, Callable, TextIO

from rocketmq_ref.client.exception import MQBrokerException, MQClientException
from rocketmq_ref.common import mixall
from rocketmq_ref.common.protocol.body.broker_stats_data import BrokerStatsData
from rocketmq_ref.common.stats.stats import GROUP_GET_NUMS, TOPIC_PUT_NUMS
from rocketmq_ref.common.utilall import frontstring_at_least
from rocketmq_ref.remoting.exception import RemotingException
from rocketmq_ref.tools.command.sub_command import CommandLine, Option, SubCommand

AdminFactory = Callable[[], Any]
_ERRORS = (MQClientException, MQBrokerException, RemotingException)


def compute_24_hour_sum(bsd: BrokerStatsData) -> int:
    """The day's sum, else the hour's, else the minute's (a young broker has no day sample yet)."""
    for item in (bsd.stats_day, bsd.stats_hour, bsd.stats_minute):
        if item.sum:
            return item.sum
    return 0


def _stats(admin: Any, route: Any, name: str, key: str) -> tuple[float, int]:
    """Sum of minute TPS and 24-hour counts over the masters; a broker without the stats adds 0
    (Java logs and goes on)."""
    tps, total = 0.0, 0
    for bd in route.broker_datas:
        addr = bd.broker_addrs.get(mixall.MASTER_ID)
        if addr is None:
            continue
        try:
            bsd = admin.view_broker_stats_data(addr, name, key)
        except _ERRORS:
            continue
        tps += bsd.stats_minute.tps
        total += compute_24_hour_sum(bsd)
    return tps, total


class StatsAllSubCommand(SubCommand):
    name = "statsAll"
    desc = "Topic and Consumer tps stats"

    def build_command_line_options(self) -> list:
        return [Option("a", "activeTopic", False, "print active topic only"),
                Option("t", "topic", True, "print select topic only")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        out.write(f"{'#Topic':<64}  {'#Consumer Group':<64} {'#Accumulation':>12} {'#InTPS':>11} "
                  f"{'#OutTPS':>11} {'#InMsg24Hour':>14} {'#OutMsg24Hour':>14}\n")
        active = cl.has_option("a")
        selected = cl.get_option_value("t")
        for topic in sorted(admin.fetch_all_topic_list().topic_list):
            if topic.startswith((mixall.RETRY_GROUP_TOPIC_PREFIX, mixall.DLQ_GROUP_TOPIC_PREFIX)):
                continue
            if selected and topic != selected:
                continue
            try:
                self.print_topic_detail(admin, topic, active, out)
            except _ERRORS:
                continue

    @staticmethod
    def print_topic_detail(admin: Any, topic: str, active: bool, out: TextIO) -> None:
        route = admin.examine_topic_route_info(topic)
        groups = sorted(admin.query_topic_consume_by_who(topic).group_list)
        in_tps, in_today = _stats(admin, route, TOPIC_PUT_NUMS, topic)
        t = frontstring_at_least(topic, 64)
        if not groups:
            if not active or in_today > 0:
                out.write(f"{t:<64}  {'':<64} {0:>12} {in_tps:>11.2f} {'':>11} {in_today:>14} "
                          f"{'NO_CONSUMER':>14}\n")
            return
        for group in groups:
            out_tps, out_today = _stats(admin, route, GROUP_GET_NUMS, f"{topic}@{group}")
            accumulate = 0
            try:
                accumulate = max(0, admin.examine_consume_stats(group, topic).compute_total_diff())
            except _ERRORS:
                pass
            if not active or in_today > 0 or out_today > 0:
                out.write(f"{t:<64}  {frontstring_at_least(group, 64):<64} {accumulate:>12} "
                          f"{in_tps:>11.2f} {out_tps:>11.2f} {in_today:>14} {out_today:>14}\n")


COMMANDS = [StatsAllSubCommand]
