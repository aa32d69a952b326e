"""Constants and small helpers (Java ``org.apache.rocketmq.common.MixAll``; spec §13.2, §14.3;
books B4.5, B5.6): default groups, retry/DLQ topic names, the VIP channel port, and the
temp-file-plus-``.bak`` write every config file goes through."""
from __future__ import annotations

import logging
import os

log = logging.getLogger("rocketmq_ref.common")

ROCKETMQ_HOME_ENV = "ROCKETMQ_HOME"
ROCKETMQ_HOME_PROPERTY = "rocketmq.home.dir"
NAMESRV_ADDR_ENV = "NAMESRV_ADDR"
NAMESRV_ADDR_PROPERTY = "rocketmq.namesrv.addr"
MESSAGE_COMPRESS_TYPE = "rocketmq.message.compressType"
MESSAGE_COMPRESS_LEVEL = "rocketmq.message.compressLevel"
DEFAULT_NAMESRV_ADDR_LOOKUP = "jmenv.tbsite.net"
DEFAULT_PRODUCER_GROUP = "DEFAULT_PRODUCER"
DEFAULT_CONSUMER_GROUP = "DEFAULT_CONSUMER"
TOOLS_CONSUMER_GROUP = "TOOLS_CONSUMER"
SCHEDULE_CONSUMER_GROUP = "SCHEDULE_CONSUMER"
FILTERSRV_CONSUMER_GROUP = "FILTERSRV_CONSUMER"
MONITOR_CONSUMER_GROUP = "__MONITOR_CONSUMER"
CLIENT_INNER_PRODUCER_GROUP = "CLIENT_INNER_PRODUCER"
SELF_TEST_PRODUCER_GROUP = "SELF_TEST_P_GROUP"
SELF_TEST_CONSUMER_GROUP = "SELF_TEST_C_GROUP"
ONS_HTTP_PROXY_GROUP = "CID_ONS-HTTP-PROXY"
CID_ONSAPI_PERMISSION_GROUP = "CID_ONSAPI_PERMISSION"
CID_ONSAPI_OWNER_GROUP = "CID_ONSAPI_OWNER"
CID_ONSAPI_PULL_GROUP = "CID_ONSAPI_PULL"
CID_RMQ_SYS_PREFIX = "CID_RMQ_SYS_"
DEFAULT_CHARSET = "UTF-8"
MASTER_ID = 0
RETRY_GROUP_TOPIC_PREFIX = "%RETRY%"
DLQ_GROUP_TOPIC_PREFIX = "%DLQ%"
REPLY_TOPIC_POSTFIX = "REPLY_TOPIC"
UNIQUE_MSG_QUERY_FLAG = "_UNIQUE_KEY_QUERY"
DEFAULT_TRACE_REGION_ID = "DefaultRegion"
CONSUME_CONTEXT_TYPE = "ConsumeContextType"
CID_SYS_RMQ_TRANS = "CID_RMQ_SYS_TRANS"
REPLY_MESSAGE_FLAG = "reply"
LMQ_PREFIX = "%LMQ%"
MULTI_DISPATCH_QUEUE_SPLITTER = ","
REQ_T = "ReqT"


def get_retry_topic(consumer_group: str) -> str:
    return RETRY_GROUP_TOPIC_PREFIX + consumer_group


def is_retry_topic(topic: str) -> bool:
    return topic.startswith(RETRY_GROUP_TOPIC_PREFIX)


def get_dlq_topic(consumer_group: str) -> str:
    return DLQ_GROUP_TOPIC_PREFIX + consumer_group


def get_reply_topic(cluster_name: str) -> str:
    return cluster_name + "_" + REPLY_TOPIC_POSTFIX


def is_sys_consumer_group(consumer_group: str) -> bool:
    return consumer_group.startswith(CID_RMQ_SYS_PREFIX)


def is_lmq(lmq_meta_data: str | None) -> bool:
    return lmq_meta_data is not None and lmq_meta_data.startswith(LMQ_PREFIX)


def broker_vip_channel(is_change: bool, broker_addr: str) -> str:
    """The broker's VIP channel: same host, port - 2 (``sendMessageWithVIPChannel``)."""
    if not is_change:
        return broker_addr
    host, _, port = broker_addr.rpartition(":")
    return f"{host}:{int(port) - 2}"


def get_pid() -> int:
    return os.getpid()


def string2file_not_safe(text: str, file_name: str) -> None:
    parent = os.path.dirname(file_name)
    if parent:
        os.makedirs(parent, exist_ok=True)
    with open(file_name, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def string2file(text: str, file_name: str) -> None:
    """Write ``<file>.tmp``, copy the current content to ``<file>.bak``, then replace ``<file>``
    (spec §14.3).  The rename is atomic, so a crash leaves either the old or the new file, and
    ``.bak`` always holds the previous good content."""
    tmp_file = file_name + ".tmp"
    string2file_not_safe(text, tmp_file)
    prev = file2string(file_name)
    if prev is not None:
        string2file_not_safe(prev, file_name + ".bak")
    os.replace(tmp_file, file_name)


def file2string(file_name: str) -> str | None:
    """The file's text, or ``None`` when it does not exist."""
    try:
        with open(file_name, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None


def human_readable_byte_count(n: int, si: bool = False) -> str:
    unit = 1000 if si else 1024
    if n < unit:
        return f"{n} B"
    exp = 0
    value = float(n)
    while value >= unit and exp < 6:
        value /= unit
        exp += 1
    pre = ("kMGTPE" if si else "KMGTPE")[exp - 1] + ("" if si else "i")
    return f"{value:.1f} {pre}B"
