"""Cluster commands: clusterList, clusterRT (Java ``tools.command.cluster.*``; books A2.4,
B9.7.2)."""
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


class CLusterSendMsgRTCommand(SubCommand):
    """Java ``CLusterSendMsgRTCommand``: the average send RT to each broker of each cluster, round
    after round every ``-i`` seconds until interrupted."""

    name = "clusterRT"
    desc = "List All clusters Message Send RT"

    def build_command_line_options(self) -> list:
        return [Option("a", "amount", True, "message amount | default 100"),
                Option("s", "size", True, "message size | default 128 Byte"),
                Option("c", "cluster", True, "cluster name | default display all cluster"),
                Option("p", "print log", True, "print as tlog | default false"),
                Option("m", "machine room", True, "machine room name | default noname"),
                Option("i", "interval", True, "print interval | default 10 seconds")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        from rocketmq_ref.client.producer import DefaultMQProducer
        from rocketmq_ref.common.message import Message

        amount = java_int(cl.get_option_value("a", "100"), "a")
        size = java_int(cl.get_option_value("s", "128"), "s")
        interval = java_int(cl.get_option_value("i", "10"), "i")
        tlog = cl.get_option_value("p", "false").lower() == "true"
        room = cl.get_option_value("m", "noname")
        admin = admin_factory()
        table = admin.examine_broker_cluster_info().cluster_addr_table
        clusters = [cl.get_option_value("c")] if cl.has_option("c") else sorted(table)
        producer = DefaultMQProducer(str(int(time.time() * 1000)))
        producer.set_namesrv_addr(admin.namesrv_addr)
        producer.start()
        try:
            if not tlog:
                out.write(f"{'#Cluster Name':<24}  {'#Broker Name':<24}  {'#RT':<4}  "
                          f"{'#successCount':<8}  {'#failCount':<8}\n")
            while True:
                for cluster in clusters:
                    if cluster not in table:
                        out.write(f"cluster [{cluster}] not exist")
                        break
                    for broker_name in sorted(table[cluster]):
                        rt, ok, failed = self._probe(producer, Message(broker_name, b"a" * size), amount)
                        if tlog:
                            now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + 8 * 3600))
                            out.write(f"{now}|{room}|{cluster}|{broker_name}|{round(rt)}\n")
                        else:
                            out.write(f"{cluster:<24}  {broker_name:<24}  {rt:<8.2f}  {ok:<16}  "
                                      f"{failed:<16}\n")
                out.flush()
                time.sleep(interval)
        finally:
            producer.shutdown()

    @staticmethod
    def _probe(producer: Any, msg: Any, amount: int) -> tuple[float, int, int]:
        elapsed, ok, failed = 0.0, 0, 0
        for i in range(amount):
            start = time.monotonic()
            try:
                producer.send(msg)
                ok += 1
            except Exception:  # noqa: BLE001 - counted, like Java
                failed += 1
            if i != 0:  # the first send opens the connection
                elapsed += (time.monotonic() - start) * 1000
        return elapsed / max(amount - 1, 1), ok, failed


COMMANDS = [ClusterListSubCommand, CLusterSendMsgRTCommand]
