"""Message commands: queryMsgById, queryMsgByKey, queryMsgByUniqueKey, queryMsgByOffset, printMsg,
sendMessage, consumeMessage, DecodeMessageId, checkMsgSendRT, printMsgByQueue (Java ``tools.command.message.*``; books A2.4, A8.4.1, B9.7.2)."""
from __future__ import annotations

import datetime
import os
import tempfile
import time
from typing import Any, Callable, TextIO

from rocketmq_ref.client.consumer.pull_result import PullStatus
from rocketmq_ref.common import mixall
from rocketmq_ref.common.message import Message, MessageQueue
from rocketmq_ref.common.utilall import time_millis_to_human_string2
from rocketmq_ref.tools.command.sub_command import (CommandLine, Option, ParseException, SubCommand,
                                                    java_int)

AdminFactory = Callable[[], Any]


def timestamp_format(value: str) -> int:
    """Java ``timestampFormat``: milliseconds, or ``yyyy-MM-dd#HH:mm:ss:SSS`` local time."""
    try:
        return int(value)
    except ValueError:
        pass
    try:
        d = datetime.datetime.strptime(value, "%Y-%m-%d#%H:%M:%S:%f")
    except ValueError:
        raise ParseException(f"bad timestamp {value!r}: use milliseconds or "
                             "yyyy-MM-dd#HH:mm:ss:SSS") from None
    return int(d.timestamp() * 1000)


def _host(addr: Any) -> str:
    if isinstance(addr, tuple):
        return f"{addr[0]}:{addr[1]}"
    return str(addr)


def _null(value: Any) -> str:
    return "null" if value is None else str(value)


def _java_map(props: dict[str, str]) -> str:
    return "{" + ", ".join(f"{k}={v}" for k, v in props.items()) + "}"


def create_body_file(msg: Any, suffix: str = "") -> str:
    """Java ``createBodyFile``: the body under ``/tmp/rocketmq/msgbodys/<msgId>``."""
    directory = os.path.join(tempfile.gettempdir(), "rocketmq", "msgbodys")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"{msg.msg_id}{suffix}")
    with open(path, "wb") as f:
        f.write(msg.body or b"")
    return path


def print_msg(admin: Any, msg: Any, out: TextIO, offset_id: bool = True) -> None:
    """Java ``QueryMsgByIdSubCommand.printMsg`` (the layout of every single-message query)."""
    if msg is None:
        out.write("\nMessage not found!")
        return
    body_path = create_body_file(msg)
    msg_id = getattr(msg, "offset_msg_id", None) or msg.msg_id
    fmt = "{:<20} {}\n"
    if offset_id:
        out.write(fmt.format("OffsetID:", msg_id))
    out.write(fmt.format("Topic:", msg.topic))
    out.write(fmt.format("Tags:", f"[{_null(msg.tags)}]"))
    out.write(fmt.format("Keys:", f"[{_null(msg.keys)}]"))
    out.write(fmt.format("Queue ID:", msg.queue_id))
    out.write(fmt.format("Queue Offset:", msg.queue_offset))
    out.write(fmt.format("CommitLog Offset:", msg.commit_log_offset))
    out.write(fmt.format("Reconsume Times:", msg.reconsume_times))
    out.write(fmt.format("Born Timestamp:", time_millis_to_human_string2(msg.born_timestamp)))
    out.write(fmt.format("Store Timestamp:", time_millis_to_human_string2(msg.store_timestamp)))
    out.write(fmt.format("Born Host:", _host(msg.born_host)))
    out.write(fmt.format("Store Host:", _host(msg.store_host)))
    out.write(fmt.format("System Flag:", msg.sys_flag))
    out.write(fmt.format("Properties:", _java_map(msg.properties or {})))
    out.write(fmt.format("Message Body Path:", body_path))
    tracks = admin.message_track_detail(msg)
    if not tracks:
        out.write("\n\nWARN: No Consumer")
    else:
        out.write("\n\n")
        for track in tracks:
            out.write(f"{track}")
    out.write("\n")


class QueryMsgByIdSubCommand(SubCommand):
    name = "queryMsgById"
    desc = "Query Message by Id"

    def build_command_line_options(self) -> list:
        return [Option("i", "msgId", True, "Message Id", required=True),
                Option("g", "consumerGroup", True, "consumer group name"),
                Option("d", "clientId", True, "The consumer's client id"),
                Option("s", "sendMessage", True, "resend message"),
                Option("u", "unitName", True, "unit name")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        ids = [i.strip() for i in cl.get_option_value("i").split(",") if i.strip()]
        if cl.get_option_value("s", "false").lower() == "true":
            producer = _producer(admin, "ReSendMsgById")
            if cl.has_option("u"):
                producer.unit_name = cl.get_option_value("u")
            producer.start()
            try:
                for msg_id in ids:
                    msg = admin.view_message(msg_id)
                    out.write(f"prepare resend msg. originalMsgId={msg_id}")
                    out.write(f"{producer.send(msg)}")
            finally:
                producer.shutdown()
            return
        for msg_id in ids:
            print_msg(admin, admin.view_message(msg_id), out)


class QueryMsgByKeySubCommand(SubCommand):
    name = "queryMsgByKey"
    desc = "Query Message by Key"

    def build_command_line_options(self) -> list:
        return [Option("t", "topic", True, "topic name", required=True),
                Option("k", "msgKey", True, "Message Key", required=True)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        msgs = admin_factory().query_message(cl.get_option_value("t"), cl.get_option_value("k"),
                                             64, 0, 2**63 - 1)
        out.write(f"{'#Message ID':<50} {'#QID':>4} {'#Offset':>40}\n")
        for msg in msgs:
            out.write(f"{msg.msg_id:<50} {msg.queue_id:>4} {msg.queue_offset:>40}\n")


class QueryMsgByUniqueKeySubCommand(SubCommand):
    name = "queryMsgByUniqueKey"
    desc = "Query Message by Unique key"

    def build_command_line_options(self) -> list:
        return [Option("i", "msgId", True, "Message Id", required=True),
                Option("g", "consumerGroup", True, "consumer group name"),
                Option("d", "clientId", True, "The consumer's client id"),
                Option("t", "topic", True, "The topic of msg", required=True),
                Option("a", "showAll", False, "Print all message, the limit is 32")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        msgs = admin.query_message_by_uniq_key(cl.get_option_value("t"), cl.get_option_value("i"))
        msgs.sort(key=lambda m: m.store_timestamp)
        for msg in (msgs if cl.has_option("a") else msgs[:1]):
            print_msg(admin, msg, out, offset_id=False)


def _pull_consumer(admin: Any, group: str = mixall.TOOLS_CONSUMER_GROUP) -> Any:
    from rocketmq_ref.client.consumer import DefaultMQPullConsumer

    consumer = DefaultMQPullConsumer(group)
    consumer.set_namesrv_addr(admin.namesrv_addr)
    return consumer


def _producer(admin: Any, group: str | None = None) -> Any:
    """A producer on the admin's name servers (not started); Java names the group after the
    current time where the command gives none."""
    from rocketmq_ref.client.producer import DefaultMQProducer

    producer = DefaultMQProducer(group or str(int(time.time() * 1000)))
    producer.set_namesrv_addr(admin.namesrv_addr)
    return producer


class QueryMsgByOffsetSubCommand(SubCommand):
    name = "queryMsgByOffset"
    desc = "Query Message by offset"

    def build_command_line_options(self) -> list:
        return [Option("t", "topic", True, "topic name", required=True),
                Option("b", "brokerName", True, "Broker Name", required=True),
                Option("i", "queueId", True, "Queue Id", required=True),
                Option("o", "offset", True, "Queue Offset", required=True)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        mq = MessageQueue(cl.get_option_value("t"), cl.get_option_value("b"),
                          java_int(cl.get_option_value("i"), "i"))
        offset = java_int(cl.get_option_value("o"), "o")
        consumer = _pull_consumer(admin)
        consumer.start()
        try:
            result = consumer.pull(mq, "*", offset, 1)
        finally:
            consumer.shutdown()
        if result is not None and result.pull_status is PullStatus.FOUND:
            print_msg(admin, result.msg_found_list[0], out)


def print_message(msgs: list[Any], charset: str, print_body: bool, out: TextIO) -> None:
    """Java ``PrintMessageSubCommand.printMessage``."""
    for msg in msgs:
        body = (msg.body or b"").decode(charset, errors="replace") if print_body else "NOT PRINT BODY"
        out.write(f"MSGID: {msg.msg_id} {msg!r} BODY: {body}\n")


def pull_and_print(consumer: Any, mq: MessageQueue, sub_expression: str, begin: int, end: int,
                   out: TextIO, charset: str = "UTF-8", print_body: bool = True,
                   consume_ok: bool = False) -> None:
    """Pull offsets [begin, end) of one queue, 32 at a time, and print them (the loop of Java
    ``PrintMessageSubCommand`` and ``ConsumeMessageCommand.pullMessageByQueue``)."""
    offset = begin
    while offset < end:
        result = consumer.pull(mq, sub_expression, offset, max(1, min(32, end - offset)))
        offset = result.next_begin_offset
        if result.pull_status is PullStatus.FOUND:
            if consume_ok:
                out.write("Consume ok\n")
            print_message(result.msg_found_list, charset, print_body, out)
        elif result.pull_status is PullStatus.NO_MATCHED_MSG:
            out.write(f"{mq} no matched msg. status={result.pull_status.name}, offset={offset}\n")
        else:
            out.write(f"{mq} print msg finished. status={result.pull_status.name}, offset={offset}\n")
            break


class PrintMessageSubCommand(SubCommand):
    name = "printMsg"
    desc = "Print Message Detail"

    def build_command_line_options(self) -> list:
        return [Option("t", "topic", True, "topic name", required=True),
                Option("c", "charsetName ", True, "CharsetName(eg: UTF-8,GBK)"),
                Option("s", "subExpression ", True, "Subscribe Expression(eg: TagA || TagB)"),
                Option("b", "beginTimestamp ", True,
                       "Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]"),
                Option("e", "endTimestamp ", True,
                       "End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]"),
                Option("d", "printBody ", True, "print body")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        topic = cl.get_option_value("t")
        charset = cl.get_option_value("c", "UTF-8")
        sub_expression = cl.get_option_value("s", "*")
        print_body = not cl.has_option("d") or cl.get_option_value("d").lower() == "true"
        begin = timestamp_format(cl.get_option_value("b")) if cl.has_option("b") else None
        end = timestamp_format(cl.get_option_value("e")) if cl.has_option("e") else None
        admin = admin_factory()
        consumer = _pull_consumer(admin)
        consumer.start()
        try:
            for mq in sorted(consumer.fetch_subscribe_message_queues(topic)):
                min_offset = admin.min_offset(mq) if begin is None else admin.search_offset(mq, begin)
                max_offset = admin.max_offset(mq) if end is None else admin.search_offset(mq, end)
                out.write(f"minOffset={min_offset}, maxOffset={max_offset}, {mq}\n")
                pull_and_print(consumer, mq, sub_expression, min_offset, max_offset, out,
                               charset=charset, print_body=print_body)
            out.write("--------------------------------------------------------\n")
        finally:
            consumer.shutdown()


class SendMessageCommand(SubCommand):
    name = "sendMessage"
    desc = "Send a message"

    def build_command_line_options(self) -> list:
        return [Option("t", "topic", True, "Topic name", required=True),
                Option("p", "body", True, "UTF-8 string format of the message body", required=True),
                Option("k", "key", True, "Message keys"),
                Option("c", "tags", True, "Message tags"),
                Option("b", "broker", True, "Send message to target broker"),
                Option("i", "qid", True, "Send message to target queue"),
                Option("m", "msgTraceEnable", True, "Message Trace Enable, Default: false")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        if cl.has_option("i") and not cl.has_option("b"):
            raise ParseException("Broker name must be set if the queue is chosen!")
        if cl.get_option_value("m", "false").lower() == "true":
            raise ParseException("-m true: message trace (RMQ_SYS_TRACE_TOPIC) is not supported; "
                                 "set ROCKETMQ_REF_TRACE_FILE for OpenTelemetry spans instead")
        topic = cl.get_option_value("t")
        msg = Message(topic, cl.get_option_value("p").encode("utf-8"), tags=cl.get_option_value("c"),
                      keys=cl.get_option_value("k"))
        admin = admin_factory()
        producer = _producer(admin)
        producer.start()
        try:
            if cl.has_option("b") and cl.has_option("i"):
                mq = MessageQueue(topic, cl.get_option_value("b"), java_int(cl.get_option_value("i"), "i"))
                result = producer.send(msg, mq)
            else:
                result = producer.send(msg)
        finally:
            producer.shutdown()
        fmt = "{:<32}  {:<4}  {:<20}    {}\n"
        out.write(fmt.format("#Broker Name", "#QID", "#Send Result", "#MsgId"))
        if result is None:
            out.write(fmt.format("Unknown", "Unknown", "Failed", "None"))
        else:
            out.write(fmt.format(result.message_queue.broker_name, result.message_queue.queue_id,
                                 result.send_status.name, result.msg_id))


class ConsumeMessageCommand(SubCommand):
    name = "consumeMessage"
    desc = "Consume message"

    def build_command_line_options(self) -> list:
        return [Option("t", "topic", True, "Topic name", required=True),
                Option("b", "brokerName", True, "Broker name"),
                Option("i", "queueId", True, "Queue Id"),
                Option("o", "offset", True, "Queue offset"),
                Option("g", "consumerGroup", True, "Consumer group name"),
                Option("s", "beginTimestamp ", True,
                       "Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]"),
                Option("e", "endTimestamp ", True,
                       "End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]"),
                Option("c", "MessageNumber", True, "Number of message to be consumed")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        topic = cl.get_option_value("t")
        count = java_int(cl.get_option_value("c"), "c") if cl.has_option("c") else 128
        if count <= 0:
            raise ParseException("Please input a positive messageNumber!")
        if cl.has_option("i") and not cl.has_option("b"):
            raise ParseException("Please set the brokerName before queueId!")
        if cl.has_option("o") and not cl.has_option("i"):
            raise ParseException("Please set queueId before offset!")
        now = int(time.time() * 1000)
        begin = timestamp_format(cl.get_option_value("s")) if cl.has_option("s") else 0
        end = timestamp_format(cl.get_option_value("e")) if cl.has_option("e") else 0
        if begin > now:
            raise ParseException("Please set the beginTimestamp before now!")
        if end > now:
            raise ParseException("Please set the endTimestamp before now!")
        if end and begin > end:
            raise ParseException("Please make sure that the beginTimestamp is less than or equal "
                                 "to the endTimestamp")
        admin = admin_factory()
        consumer = _pull_consumer(admin, cl.get_option_value("g", mixall.TOOLS_CONSUMER_GROUP))
        consumer.start()
        try:
            if cl.has_option("i"):
                mq = MessageQueue(topic, cl.get_option_value("b"), java_int(cl.get_option_value("i"), "i"))
                offset = java_int(cl.get_option_value("o"), "o") if cl.has_option("o") else 0
                lo, hi = self._range(admin, mq, begin, end)
                if offset > hi:
                    out.write(f"{mq} no matched msg, offset={offset}\n")
                    return
                lo = max(lo, offset)
                if hi - lo > count:
                    out.write(f"The oldler {count} message will be provided\n")
                    hi = lo + count - 1
                pull_and_print(consumer, mq, "*", lo, hi + 1, out, consume_ok=True)
                return
            left = count
            for mq in sorted(consumer.fetch_subscribe_message_queues(topic)):
                if left == 0:
                    return
                lo, hi = self._range(admin, mq, begin, end)
                if hi - lo > left:
                    out.write(f"The older {left} message of the {mq.queue_id} queue will be provided\n")
                    hi = lo + left - 1
                    left = 0
                else:
                    left = max(0, left - (hi - lo) - 1)
                pull_and_print(consumer, mq, "*", lo, hi + 1, out, consume_ok=True)
        finally:
            consumer.shutdown()

    @staticmethod
    def _range(admin: Any, mq: MessageQueue, begin: int, end: int) -> tuple[int, int]:
        lo = admin.search_offset(mq, begin) if begin > 0 else admin.min_offset(mq)
        hi = admin.search_offset(mq, end) if end > 0 else admin.max_offset(mq)
        return lo, hi


COMMANDS = [QueryMsgByIdSubCommand, QueryMsgByKeySubCommand, QueryMsgByUniqueKeySubCommand,
            QueryMsgByOffsetSubCommand, PrintMessageSubCommand, SendMessageCommand,
            ConsumeMessageCommand]


class DecodeMessageIdCommand(SubCommand):
    """Java ``DecodeMessageIdCommond``: the sender's IP and the send time inside a UNIQ_KEY."""

    name = "DecodeMessageId"
    desc = "decode unique message ID"

    def build_command_line_options(self) -> list:
        return [Option("i", "messageId", True, "unique message ID", required=True)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        from rocketmq_ref.common.message.message_client_id_setter import MessageClientIDSetter

        msg_id = cl.get_option_value("i")
        if len(msg_id) not in (32, 56) or any(c not in "0123456789abcdefABCDEF" for c in msg_id):
            raise ParseException(f"{msg_id!r} is not a unique message id (32 or 56 hex chars)")
        out.write(f"ip={MessageClientIDSetter.get_ip_str_from_id(msg_id)}\n")
        ms = MessageClientIDSetter.get_nearly_time_from_id(msg_id)
        stamp = datetime.datetime.fromtimestamp(ms / 1000)
        out.write(f"date={stamp:%Y-%m-%d %H:%M:%S},{ms % 1000:03d}\n")


class CheckMsgSendRTCommand(SubCommand):
    name = "checkMsgSendRT"
    desc = "check message send response time"

    def build_command_line_options(self) -> list:
        return [Option("t", "topic", True, "topic name", required=True),
                Option("a", "amount", True, "message amount | default 100"),
                Option("s", "size", True, "message size | default 128 Byte")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        topic = cl.get_option_value("t")
        amount = java_int(cl.get_option_value("a"), "a") if cl.has_option("a") else 100
        size = java_int(cl.get_option_value("s"), "s") if cl.has_option("s") else 128
        if amount < 1:
            raise ParseException("-a: the amount must be positive")
        admin = admin_factory()
        producer = _producer(admin)
        producer.start()
        fmt = "{:<32}  {:<4}  {:<20}    {}\n"
        out.write(fmt.format("#Broker Name", "#QID", "#Send Result", "#RT"))
        elapsed = 0
        try:
            queues = sorted(producer.fetch_publish_message_queues(topic))
            for i in range(amount):
                mq = queues[i % len(queues)]
                start = time.monotonic()
                try:
                    producer.send(Message(topic, b"a" * size), mq)
                    ok = True
                except Exception:  # noqa: BLE001 - Java prints false for this send and goes on
                    ok = False
                rt = int((time.monotonic() - start) * 1000)
                if i != 0:  # the first send opens the connection
                    elapsed += rt
                out.write(fmt.format(mq.broker_name, mq.queue_id, str(ok).lower(), rt))
        finally:
            producer.shutdown()
        out.write(f"Avg RT: {elapsed / max(amount - 1, 1):.2f}\n")


class PrintMessageByQueueCommand(SubCommand):
    name = "printMsgByQueue"
    desc = "Print Message Detail"

    def build_command_line_options(self) -> list:
        return [Option("t", "topic", True, "topic name", required=True),
                Option("a", "brokerName ", True, "broker name", required=True),
                Option("i", "queueId ", True, "queue id", required=True),
                Option("c", "charsetName ", True, "CharsetName(eg: UTF-8,GBK)"),
                Option("s", "subExpression ", True, "Subscribe Expression(eg: TagA || TagB)"),
                Option("b", "beginTimestamp ", True,
                       "Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]"),
                Option("e", "endTimestamp ", True,
                       "End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]"),
                Option("p", "print msg", True, "print msg. eg: true | false(default)"),
                Option("d", "printBody ", True, "print body. eg: true | false(default)"),
                Option("f", "calculate", True, "calculate by tag. eg: true | false(default)")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        charset = cl.get_option_value("c", "UTF-8")
        print_msg_ = cl.get_option_value("p", "false").lower() == "true"
        print_body = cl.get_option_value("d", "false").lower() == "true"
        by_tag = cl.get_option_value("f", "false").lower() == "true"
        mq = MessageQueue(cl.get_option_value("t"), cl.get_option_value("a"),
                          java_int(cl.get_option_value("i"), "i"))
        admin = admin_factory()
        begin = admin.min_offset(mq)
        end = admin.max_offset(mq)
        if cl.has_option("b"):
            begin = admin.search_offset(mq, timestamp_format(cl.get_option_value("b")))
        if cl.has_option("e"):
            end = admin.search_offset(mq, timestamp_format(cl.get_option_value("e")))
        tags: dict[str, int] = {}
        consumer = _pull_consumer(admin)
        consumer.start()
        try:
            offset = begin
            while offset < end:
                result = consumer.pull(mq, cl.get_option_value("s", "*"), offset, 32)
                offset = result.next_begin_offset
                if result.pull_status is not PullStatus.FOUND:
                    break
                for msg in result.msg_found_list:
                    if by_tag and msg.tags:
                        tags[msg.tags] = tags.get(msg.tags, 0) + 1
                if print_msg_:
                    print_message(result.msg_found_list, charset, print_body, out)
        finally:
            consumer.shutdown()
        for tag, count in sorted(tags.items(), key=lambda t: -t[1]):
            out.write(f"Tag: {tag:<30} Count: {count}\n")


COMMANDS += [DecodeMessageIdCommand, CheckMsgSendRTCommand, PrintMessageByQueueCommand]
