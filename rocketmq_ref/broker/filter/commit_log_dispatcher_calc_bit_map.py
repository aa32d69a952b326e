"""Per-message bit map of the SQL92 filters a message matches, stored in the consume-queue ext unit
(Java ``broker.filter.CommitLogDispatcherCalcBitMap``; books A7.1.3, B5.8).

Runs first in the store's dispatcher list (before the consume queue is built) when
``enableCalcFilterBitMap`` is on; needs ``enableConsumeQueueExt`` for the map to be kept. A pull
then drops units whose map misses its filter's bloom positions without reading the commit log.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from rocketmq_ref.filter.util.bloom_filter import BitsArray

log = logging.getLogger("rocketmq_ref.filter")


class CommitLogDispatcherCalcBitMap:
    def __init__(self, broker_config: Any, consumer_filter_manager: Any) -> None:
        self.broker_config = broker_config
        self.consumer_filter_manager = consumer_filter_manager

    def dispatch(self, request: Any) -> None:
        if not self.broker_config.enable_calc_filter_bit_map:
            return
        try:
            filter_datas = self.consumer_filter_manager.get_by_topic(request.topic)
            if not filter_datas:
                return
            bloom = self.consumer_filter_manager.bloom_filter
            bits = BitsArray(bloom.m)
            props = request.properties_map or {}
            start = time.monotonic()
            for data in filter_datas:
                if data.compiled_expression is None or data.bloom_filter_data is None:
                    log.error("[BUG] Consumer in filter manager has no compiled expression or bloom data! %s",
                              data)
                    continue
                try:
                    ret = data.compiled_expression.evaluate(props)
                except Exception as e:  # an error is "not matched", as at pull time
                    log.debug("Calc filter bit map error!commitLogOffset=%s, consumer=%s, %s",
                              request.commit_log_offset, data, e)
                    ret = None
                if ret is True:
                    bloom.hash_to(data.bloom_filter_data, bits)
            request.bit_map = bytes(bits.bytes)
            elapsed_ms = (time.monotonic() - start) * 1000
            if elapsed_ms >= 1:
                log.warning("Spend %d ms to calc bit map, consumerNum=%d, topic=%s", elapsed_ms, len(filter_datas),
                            request.topic)
        except Exception as e:
            log.error("Calc bit map error! topic=%s, offset=%s, queueId=%s, %s", request.topic,
                      request.commit_log_offset, request.queue_id, e)
