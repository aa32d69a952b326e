"""exportMetrics: per broker of a cluster, its machine, load, one-day counts and client versions, plus
the cluster totals, as ``metrics.json`` (Java ``tools.command.export.ExportMetricsCommand``; books A2.4,
B9.7.2)."""
from __future__ import annotations

import os
from typing import Any, Callable, TextIO

from rocketmq_ref.common import fastjson, mixall, mq_version
from rocketmq_ref.common.stats.stats import TOPIC_PUT_NUMS
from rocketmq_ref.common.topic_validator import RMQ_SYS_SCHEDULE_TOPIC, RMQ_SYS_TRANS_HALF_TOPIC
from rocketmq_ref.tools.command.export import DEFAULT_FILE_PATH
from rocketmq_ref.tools.command.stats import _ERRORS, compute_24_hour_sum
from rocketmq_ref.tools.command.sub_command import CommandLine, Option, SubCommand

AdminFactory = Callable[[], Any]


def _no_nulls(d: dict) -> dict:
    """fastjson leaves null map values out."""
    return {k: v for k, v in d.items() if v is not None}


def _first_tps(text: str | None) -> float:
    """``putTps`` and ``getTransferedTps`` read "10s 1min 10min": the first figure."""
    parts = (text or "").split(" ")
    return float(parts[0]) if parts and parts[0] else 0.0


class ExportMetricsCommand(SubCommand):
    name = "exportMetrics"
    desc = "export metrics"

    def build_command_line_options(self) -> list:
        return [Option("c", "clusterName", True, "choose a cluster to export", required=True),
                Option("f", "filePath", True, f"export metrics.json path | default {DEFAULT_FILE_PATH}")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        cluster = cl.get_option_value("c").strip()
        path = os.path.join(cl.get_option_value("f", DEFAULT_FILE_PATH).strip(), "metrics.json")
        total_tps = {"totalNormalInTps": 0.0, "totalNormalOutTps": 0.0, "totalTransInTps": 0.0,
                     "totalScheduleInTps": 0.0}
        total_one_day = {"normalOneDayInNum": 0, "normalOneDayOutNum": 0, "transOneDayInNum": 0,
                         "scheduleOneDayInNum": 0}
        report: dict[str, Any] = {}
        info = admin.examine_broker_cluster_info()
        for broker_name in info.cluster_addr_table.get(cluster) or ():
            bd = info.broker_addr_table.get(broker_name)
            if bd is None:
                continue
            addr = bd.broker_addrs.get(mixall.MASTER_ID)
            kv = admin.fetch_broker_runtime_stats(addr).table
            props = admin.get_broker_config(addr)
            groups = admin.get_user_subscription_group(addr)
            report[broker_name] = {
                "runtimeEnv": _no_nulls({"cpuNum": props.get("clientCallbackExecutorThreads"),
                                         "totalMemKBytes": kv.get("totalMemKBytes")}),
                "runtimeQuota": self.get_runtime_quota(kv, admin, addr, total_tps, total_one_day, groups),
                "runtimeVersion": self.get_runtime_version(admin, groups),
            }
        result = {"evaluateReport": report,
                  "totalData": {"totalTps": total_tps, "totalOneDayNum": total_one_day}}
        os.makedirs(os.path.dirname(path), exist_ok=True)
        mixall.string2file_not_safe(fastjson.dumps(result, pretty=True), path)
        out.write(f"export {path} success")

    @staticmethod
    def get_runtime_version(admin: Any, groups: Any) -> dict[str, Any]:
        """Java ``getRuntimeVersion``: the broker's version and every online client's language%version."""
        client_info: set[str] = set()
        for config in groups.subscription_group_table.values():
            try:
                cc = admin.examine_consumer_connection_info(config.group_name)
            except _ERRORS:
                continue
            for conn in cc.connection_set:
                client_info.add(f"{conn.language}%{mq_version.get_version_desc(conn.version)}")
        return {"rocketmqVersion": mq_version.get_version_desc(mq_version.CURRENT_VERSION),
                "clientInfo": sorted(client_info)}

    @staticmethod
    def get_runtime_quota(kv: dict[str, str], admin: Any, addr: str, total_tps: dict[str, float],
                          total_one_day: dict[str, int], groups: Any) -> dict[str, Any]:
        """Java ``getRuntimeQuota``: disk ratios, this minute's TPS in and out (plain, transactional,
        scheduled), one day's counts, average message size, topic and group counts."""
        topics = admin.get_user_topic_config(addr, False)
        trans = schedule = None
        try:
            trans = admin.view_broker_stats_data(addr, TOPIC_PUT_NUMS, RMQ_SYS_TRANS_HALF_TOPIC)
        except _ERRORS:
            pass
        try:
            schedule = admin.view_broker_stats_data(addr, TOPIC_PUT_NUMS, RMQ_SYS_SCHEDULE_TOPIC)
        except _ERRORS:
            pass
        normal_in, normal_out = _first_tps(kv.get("putTps")), _first_tps(kv.get("getTransferedTps"))
        trans_in = trans.stats_minute.tps if trans is not None else 0.0
        schedule_in = schedule.stats_minute.tps if schedule is not None else 0.0
        trans_day = compute_24_hour_sum(trans) if trans is not None else 0
        schedule_day = compute_24_hour_sum(schedule) if schedule is not None else 0
        day_in = int(kv["msgPutTotalTodayMorning"]) - int(kv["msgPutTotalYesterdayMorning"])
        day_out = int(kv["msgGetTotalTodayMorning"]) - int(kv["msgGetTotalYesterdayMorning"])
        total_tps["totalNormalInTps"] += normal_in
        total_tps["totalNormalOutTps"] += normal_out
        total_tps["totalTransInTps"] += trans_in
        total_tps["totalScheduleInTps"] += schedule_in
        total_one_day["normalOneDayInNum"] += day_in
        total_one_day["normalOneDayOutNum"] += day_out
        total_one_day["transOneDayInNum"] += trans_day
        total_one_day["scheduleOneDayInNum"] += schedule_day
        return _no_nulls({
            "diskRatio": _no_nulls({"commitLogDiskRatio": kv.get("commitLogDiskRatio"),
                                    "consumeQueueDiskRatio": kv.get("consumeQueueDiskRatio")}),
            "tps": {"normalInTps": normal_in, "normalOutTps": normal_out, "transInTps": trans_in,
                    "scheduleInTps": schedule_in},
            "oneDayNum": {"normalOneDayInNum": day_in, "normalOneDayOutNum": day_out,
                          "transOneDayInNum": trans_day, "scheduleOneDayInNum": schedule_day},
            "messageAverageSize": kv.get("putMessageAverageSize"),
            "topicSize": len(topics.topic_config_table),
            "groupSize": len(groups.subscription_group_table),
        })


COMMANDS = [ExportMetricsCommand]
