"""A consumer's rates for one topic, in GET_CONSUMER_RUNNING_INFO's ``statusTable`` (Java
``common.protocol.body.ConsumeStatus``; A2.4, B5.6.1): pull TPS and RT, consume OK / failed TPS and
RT, and how many messages failed in the last hour."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.common.fastjson import JsonBody, json_field


@dataclass
class ConsumeStatus(JsonBody):
    pull_rt: float = json_field(0.0, key="pullRT")
    pull_tps: float = json_field(0.0, key="pullTPS")
    consume_rt: float = json_field(0.0, key="consumeRT")
    consume_ok_tps: float = json_field(0.0, key="consumeOKTPS")
    consume_failed_tps: float = json_field(0.0, key="consumeFailedTPS")
    consume_failed_msgs: int = 0
