"""ClientConfig defaults, client id rules, namespaces, validators."""
from __future__ import annotations

import os
import re

import pytest

from rocketmq_ref.client import validators
from rocketmq_ref.client.client_config import ClientConfig, without_namespace, wrap_namespace
from rocketmq_ref.client.exception import MQClientException
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.common.message import Message


def test_defaults_are_the_java_4_9_8_ones():
    cc = ClientConfig()
    assert (cc.poll_name_server_interval, cc.heartbeat_broker_interval,
            cc.persist_consumer_offset_interval, cc.pull_time_delay_mills_when_exception,
            cc.mq_client_api_timeout, cc.vip_channel_enabled) == (30000, 30000, 5000, 1000, 3000,
                                                                  False)
    assert cc.instance_name == "DEFAULT"
    p = DefaultMQProducer("pg")
    assert (p.send_msg_timeout, p.retry_times_when_send_failed, p.retry_times_when_send_async_failed,
            p.compress_msg_body_over_howmuch, p.max_message_size, p.default_topic_queue_nums,
            p.create_topic_key) == (3000, 2, 2, 4096, 4 * 1024 * 1024, 4, "TBW102")


def test_client_id_is_ip_at_instance_and_default_instance_becomes_pid_and_nanotime():
    cc = ClientConfig(client_ip="10.1.2.3")
    assert cc.build_mq_client_id() == "10.1.2.3@DEFAULT"
    cc.unit_name = "u1"
    assert cc.build_mq_client_id() == "10.1.2.3@DEFAULT@u1"
    cc.change_instance_name_to_pid()
    assert re.fullmatch(rf"{os.getpid()}#\d+", cc.instance_name)
    named = ClientConfig(instance_name="mine")
    named.change_instance_name_to_pid()
    assert named.instance_name == "mine"


def test_config_loads_from_java_keys():
    cc = ClientConfig.from_properties({"namesrvAddr": "1.2.3.4:9876", "clientIP": "5.6.7.8",
                                       "pollNameServerInterval": "1000"})
    assert (cc.namesrv_addr, cc.client_ip, cc.poll_name_server_interval) == ("1.2.3.4:9876",
                                                                            "5.6.7.8", 1000)


def test_namespace_wrapping_keeps_retry_and_dlq_prefixes_and_system_topics():
    assert wrap_namespace("ns", "T") == "ns%T"
    assert wrap_namespace("ns", "%RETRY%G") == "%RETRY%ns%G"
    assert wrap_namespace("ns", "ns%T") == "ns%T"
    assert wrap_namespace("ns", "TBW102") == "TBW102"
    assert without_namespace("%DLQ%ns%G", "ns") == "%DLQ%G"
    assert without_namespace("other%T", "ns") == "other%T"


@pytest.mark.parametrize("topic,text", [
    ("", "blank"), ("a b", "illegal characters"), ("x" * 128, "longer than"),
    ("SCHEDULE_TOPIC_XXXX", "forbidden")])
def test_check_message_rejects_bad_topics(topic, text):
    with pytest.raises(MQClientException, match=text):
        validators.check_message(Message(topic, b"x"), 1024)


def test_check_message_rejects_empty_and_oversize_bodies_with_message_illegal():
    for body, text in ((b"", "length is zero"), (b"x" * 1025, "over max value, MAX: 1024")):
        with pytest.raises(MQClientException, match=text) as info:
            validators.check_message(Message("T", body), 1024)
        assert info.value.response_code == 13


def test_check_group():
    validators.check_group("cg_1-%|")
    for bad in ("", "a/b", "g" * 256):
        with pytest.raises(MQClientException):
            validators.check_group(bad)
