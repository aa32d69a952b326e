"""What Spring's RocketMQ integration gives a Java application, as a small Python adapter on our
client (books A8, A8.1, B9.5, B9.6): a template that converts and sends, listener functions
declared with a decorator, and an application object that creates, starts and stops the clients
from settings.

Two applications share a local cluster: ``order_service`` sends three order events through the
template (two tagged ``paid``) and stops; then ``billing_service`` starts with one listener for
``paid`` events and receives the two, already converted from JSON.  The name server and the
broker run as processes and append to the same trace file.
"""
from __future__ import annotations

import json
import logging
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rocketmq_ref.client.consumer import (ConsumeConcurrentlyStatus, ConsumeFromWhere,
                                          DefaultMQPushConsumer)
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.client.producer.message_queue_selector import SelectMessageQueueByHash
from rocketmq_ref.common.message import Message
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

log = logging.getLogger("walkthroughs.framework_adapter")
TOPIC = "TopicOrders"


class JsonMessageConverter:
    """Payload to message and back (Spring's ``MappingJackson2MessageConverter``).  A destination
    is ``topic`` or ``topic:tag``, as in ``RocketMQTemplate``."""

    @staticmethod
    def to_message(destination: str, payload: Any, keys: str | None = None) -> Message:
        topic, _, tag = destination.partition(":")
        return Message(topic, json.dumps(payload, sort_keys=True).encode(), tags=tag or None,
                       keys=keys)

    @staticmethod
    def from_message(msg: Any) -> Any:
        return json.loads(bytes(msg.body))


class RocketMQTemplate:
    """The sending side (Spring's ``RocketMQTemplate``): one started producer, payloads in."""

    def __init__(self, producer: DefaultMQProducer) -> None:
        self.producer = producer

    def sync_send(self, destination: str, payload: Any, keys: str | None = None) -> Any:
        return self.producer.send(JsonMessageConverter.to_message(destination, payload, keys))

    def sync_send_orderly(self, destination: str, payload: Any, hash_key: str) -> Any:
        return self.producer.send(JsonMessageConverter.to_message(destination, payload, hash_key),
                                  SelectMessageQueueByHash(), hash_key)


@dataclass(frozen=True)
class ListenerEndpoint:
    """What ``@RocketMQMessageListener`` declares on a ``RocketMQListener`` class."""

    topic: str
    consumer_group: str
    selector_expression: str
    handler: Callable[[Any], None]


class MessagingApplication:
    """What the Spring Boot starter does at start-up: read the settings, put a producer behind a
    template, build one push consumer (a listener container) per declared listener, start them
    all, and stop them in reverse order."""

    def __init__(self, settings: Mapping[str, str]) -> None:
        self.settings = dict(settings)
        self.endpoints: list[ListenerEndpoint] = []
        self.template: RocketMQTemplate | None = None
        self.containers: list[DefaultMQPushConsumer] = []

    def listener(self, topic: str, consumer_group: str, selector_expression: str = "*"
                 ) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
        def register(handler: Callable[[Any], None]) -> Callable[[Any], None]:
            self.endpoints.append(ListenerEndpoint(topic, consumer_group, selector_expression,
                                                   handler))
            return handler
        return register

    def start(self) -> None:
        namesrv = self.settings["rocketmq.name-server"]
        group = self.settings.get("rocketmq.producer.group")
        if group:
            producer = DefaultMQProducer(group)
            producer.set_namesrv_addr(namesrv)
            producer.start()
            self.template = RocketMQTemplate(producer)
        for endpoint in self.endpoints:
            container = self.listener_container(endpoint, namesrv)
            container.start()
            self.containers.append(container)

    @staticmethod
    def listener_container(endpoint: ListenerEndpoint, namesrv: str) -> DefaultMQPushConsumer:
        """Spring's ``DefaultRocketMQListenerContainer``: a push consumer whose listener converts
        each message and calls the handler; an exception asks for redelivery later."""
        consumer = DefaultMQPushConsumer(endpoint.consumer_group)
        consumer.set_namesrv_addr(namesrv)
        consumer.set_instance_name(endpoint.consumer_group)
        consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
        consumer.subscribe(endpoint.topic, endpoint.selector_expression)

        def on_messages(msgs: list[Any], context: Any) -> ConsumeConcurrentlyStatus:
            for msg in msgs:
                try:
                    endpoint.handler(JsonMessageConverter.from_message(msg))
                except Exception:  # noqa: BLE001 - the container's contract: retry later
                    log.warning("consume failed, message %s will be redelivered", msg.msg_id,
                                exc_info=True)
                    return ConsumeConcurrentlyStatus.RECONSUME_LATER
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

        consumer.register_message_listener(on_messages)
        return consumer

    def stop(self) -> None:
        for container in reversed(self.containers):
            container.shutdown()
        self.containers.clear()
        if self.template is not None:
            self.template.producer.shutdown()
            self.template = None

    def __enter__(self) -> MessagingApplication:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-framework-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1)
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        lines: list[str] = []
        try:
            order_app = MessagingApplication({"rocketmq.name-server": state.namesrv_addr,
                                              "rocketmq.producer.group": "order_service"})
            with order_app:
                assert order_app.template is not None
                for order, tag in ((1, "paid"), (2, "created"), (3, "paid")):
                    r = order_app.template.sync_send(f"{TOPIC}:{tag}",
                                                     {"order": order, "amount": 10 * order},
                                                     keys=f"ORDER-{order}")
                    lines.append(f"order_service: {TOPIC}:{tag} order {order} -> "
                                 f"{r.send_status.name}")

            billing_app = MessagingApplication({"rocketmq.name-server": state.namesrv_addr})
            received: list[Any] = []
            done = threading.Event()

            @billing_app.listener(TOPIC, "billing_service", selector_expression="paid")
            def on_paid(event: dict) -> None:
                received.append(event)
                if len(received) >= 2:
                    done.set()

            with billing_app:
                if not done.wait(30):
                    raise TimeoutError(f"billing_service received only {received}")
            for event in sorted(received, key=lambda e: e["order"]):
                lines.append(f"billing_service: on_paid({event})")
        finally:
            cluster.stop(state)
    return {"apps": "\n".join(lines)}


WALKTHROUGH = Walkthrough(
    name="framework_adapter",
    title="Framework integration in Python: a template, decorated listeners, an application",
    sections=("A8", "A8.1", "A8.1.1", "A8.1.2", "B9.5", "B9.6"),
    scenario=scenario,
    stops=(
        Stop("DefaultMQPushConsumerImpl.start", locals=("self",),
             note="the listener container of billing_service starting"),
    ),
    service="order_service",
    # which consumer commits which retry queue at shutdown depends on timing
    ignore_spans=("settle .*", "UNREGISTER_CLIENT"),
)
