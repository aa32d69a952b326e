"""Cluster commands: clusterList (Java ``tools.command.cluster.ClusterListSubCommand``;
books A2.4, B9.7.2)."""
from __future__ import annotations

import time
from typing import Any, Callable, TextIO

from rocketmq_ref.tools.command.sub_command import CommandLine, Option, SubCommand, java_int

AdminFactory = Callable[[], Any]

BASE_FORMAT = "{:<16}  {:<22}  {:<4}  {:<22} {:<16} {:>19} {:>19} {:>10} {:>5} {:>6}\n"
MORE_FORMAT = "{:<16}  {:<32} {:>14} {:>14} {:>14} {:>14}\n"


def _first_float(text: str | None) -> float:
    try:
        return float((text or "").split(" ")[0])
    except ValueError:
        return 0.0


def _long(table: dict[str, str], key: str) -> int:
    try:
        return int(table.get(key) or 0)
    except ValueError:
        return 0


class ClusterListSubCommand(SubCommand):
    name = "clusterList"
    desc = "List all of clusters"

    def build_command_line_options(self) -> list:
        return [Option("m", "moreStats", False, "Print more stats"),
                Option("i", "interval", True, "specify intervals numbers, it is in seconds")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        interval = java_int(cl.get_option_value("i"), "i") if cl.has_option("i") else 0
        first = True
        while first or interval > 0:  # with -i it repeats until interrupted, like Java
            if not first:
                time.sleep(interval)
            first = False
            if cl.has_option("m"):
                self.print_cluster_more_stats(admin, out)
            else:
                self.print_cluster_base_info(admin, out)
            out.flush()

    @staticmethod
    def _brokers(admin: Any) -> list[tuple[str, str, int, str]]:
        info = admin.examine_broker_cluster_info()
        rows = []
        for cluster, names in info.cluster_addr_table.items():
            for name in sorted(names):
                bd = info.broker_addr_table.get(name)
                if bd is not None:
                    rows.extend((cluster, name, bid, addr) for bid, addr in sorted(bd.broker_addrs.items()))
        return rows

    def print_cluster_more_stats(self, admin: Any, out: TextIO) -> None:
        out.write(MORE_FORMAT.format("#Cluster Name", "#Broker Name", "#InTotalYest",
                                     "#OutTotalYest", "#InTotalToday", "#OutTotalToday"))
        for cluster, name, _bid, addr in self._brokers(admin):
            t = admin.fetch_broker_runtime_stats(addr).table
            in_yest = _long(t, "msgPutTotalTodayMorning") - _long(t, "msgPutTotalYesterdayMorning")
            out_yest = _long(t, "msgGetTotalTodayMorning") - _long(t, "msgGetTotalYesterdayMorning")
            in_today = _long(t, "msgPutTotalTodayNow") - _long(t, "msgPutTotalTodayMorning")
            out_today = _long(t, "msgGetTotalTodayNow") - _long(t, "msgGetTotalTodayMorning")
            out.write(MORE_FORMAT.format(cluster, name, in_yest, out_yest, in_today, out_today))

    def print_cluster_base_info(self, admin: Any, out: TextIO) -> None:
        out.write(BASE_FORMAT.format("#Cluster Name", "#Broker Name", "#BID", "#Addr", "#Version",
                                     "#InTPS(LOAD)", "#OutTPS(LOAD)", "#PCWait(ms)", "#Hour",
                                     "#SPACE"))
        for cluster, name, bid, addr in self._brokers(admin):
            t = admin.fetch_broker_runtime_stats(addr).table
            hour = space = 0.0
            earliest = t.get("earliestMessageTimeStamp")
            if earliest:
                hour = (time.time() * 1000 - int(earliest)) / 1000.0 / 60.0 / 60.0
            if t.get("commitLogDiskRatio"):
                space = float(t["commitLogDiskRatio"])
            in_tps = (f"{_first_float(t.get('putTps')):9.2f}({t.get('sendThreadPoolQueueSize')},"
                      f"{t.get('sendThreadPoolQueueHeadWaitTimeMills')}ms)")
            out_tps = (f"{_first_float(t.get('getTransferedTps')):9.2f}"
                       f"({t.get('pullThreadPoolQueueSize')},"
                       f"{t.get('pullThreadPoolQueueHeadWaitTimeMills')}ms)")
            out.write(BASE_FORMAT.format(cluster, name, bid, addr, t.get("brokerVersionDesc", ""),
                                         in_tps, out_tps, t.get("pageCacheLockTimeMills", ""),
                                         f"{hour:2.2f}", f"{space:.4f}"))


COMMANDS = [ClusterListSubCommand]
