"""The asyncio face: awaitable sends over the same producer core."""
from __future__ import annotations

import asyncio

import pytest

from rocketmq_ref.client import aio
from rocketmq_ref.client.exception import MQBrokerException
from rocketmq_ref.client.producer import SendStatus
from rocketmq_ref.common.message import Message
from tests.client.fake_cluster import FakeCluster


@pytest.fixture
def cluster():
    c = FakeCluster(brokers=1, known_topics=("T",)).start()
    yield c
    c.stop()


async def test_await_send_returns_the_send_result_and_errors_raise(cluster):
    producer = aio.DefaultMQProducer("aio_pg")
    producer.set_namesrv_addr(cluster.namesrv_addr)
    async with producer:
        results = await asyncio.gather(*(producer.send(Message("T", body=b"%d" % i))
                                         for i in range(5)))
        assert all(r.send_status is SendStatus.SEND_OK for r in results)
        assert len({r.msg_id for r in results}) == 5
        batch = await producer.send([Message("T", body=b"a"), Message("T", body=b"b")])
        assert len(batch.msg_id.split(",")) == 2
        cluster.brokers[0].answer_code, cluster.brokers[0].answer_remark = 13, "illegal"
        with pytest.raises(MQBrokerException) as info:
            await producer.send(Message("T", body=b"x"))
        assert info.value.response_code == 13
    assert producer.sync.default_mq_producer_impl.service_state.name == "SHUTDOWN_ALREADY"
