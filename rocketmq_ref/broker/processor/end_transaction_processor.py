"""END_TRANSACTION: commit or roll back a half message (Java ``broker.processor.EndTransactionProcessor``;
A3.2.4, B8.3, spec message-and-store §13.3).

Commit: look the half message up by its commit-log offset, check its producer group, queue offset and
commit-log offset against the request, append the real message (real topic and queue, COMMIT
transaction bits, ``PREPARED TRANSACTION OFFSET`` = the half message's offset) and write op ``d``.
Rollback: the same checks, then only op ``d``.  UNKNOW (0) does nothing and answers nothing.
"""
from __future__ import annotations

import logging
from typing import Any

from rocketmq_ref.broker.transaction.operation_result import OperationResult
from rocketmq_ref.common.java_hash import tags_string2tags_code
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message.message_decoder import message_properties2string
from rocketmq_ref.common.protocol.header.end_transaction_request_header import EndTransactionRequestHeader
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.sysflag import MessageSysFlag
from rocketmq_ref.common.tracing import current_span, record_error, traced
from rocketmq_ref.remoting.exception import RemotingCommandException
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand
from rocketmq_ref.store.config.broker_role import BrokerRole
from rocketmq_ref.store.message_ext_broker_inner import MessageExtBrokerInner
from rocketmq_ref.store.put_message_result import PutMessageStatus

log = logging.getLogger("rocketmq_ref.broker.transaction")

_JAVA = "org.apache.rocketmq.broker.processor.EndTransactionProcessor#"
_TYPE_NAMES = {MessageSysFlag.TRANSACTION_NOT_TYPE: "UNKNOW", MessageSysFlag.TRANSACTION_COMMIT_TYPE: "COMMIT",
               MessageSysFlag.TRANSACTION_ROLLBACK_TYPE: "ROLLBACK"}
_STORED = (PutMessageStatus.PUT_OK, PutMessageStatus.FLUSH_DISK_TIMEOUT, PutMessageStatus.FLUSH_SLAVE_TIMEOUT,
           PutMessageStatus.SLAVE_NOT_AVAILABLE)


class EndTransactionProcessor:
    def __init__(self, broker_controller: Any) -> None:
        self.broker_controller = broker_controller

    def reject_request(self) -> bool:
        return False

    @traced(_JAVA + "processRequest", books=("B8.3", "A3.2.4"))
    def process_request(self, ctx: Any, request: RemotingCommand) -> RemotingCommand | None:
        response = RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR, None)
        s = current_span()
        try:
            header = request.decode_command_custom_header(EndTransactionRequestHeader)
        except RemotingCommandException as e:
            response.remark = f"bad end-transaction request header: {e}"
            record_error(s, response.remark)
            return response
        controller = self.broker_controller
        if controller.message_store_config.broker_role is BrokerRole.SLAVE:
            response.code = ResponseCode.SLAVE_NOT_AVAILABLE
            log.warning("Message store is slave mode, so end transaction is forbidden. ")
            return response
        kind = header.commit_or_rollback
        from_check = bool(header.from_transaction_check)
        if s.is_recording():
            s.set_attributes({"rocketmq_ref.transaction.resolution": _TYPE_NAMES.get(kind, str(kind)),
                              "rocketmq_ref.transaction.from_check": from_check,
                              "rocketmq_ref.transaction.half_queue_offset": header.tran_state_table_offset,
                              "messaging.rocketmq.client_group": header.producer_group or "",
                              "messaging.message.id": header.msg_id or ""})
        peer = getattr(ctx, "remote_addr", "")
        if kind == MessageSysFlag.TRANSACTION_NOT_TYPE:
            log.warning("%s producer[%s] transaction state is still unknown. RequestHeader: %s Remark: %s",
                        "Check" if from_check else "End", peer, header, request.remark)
            return None
        if kind not in (MessageSysFlag.TRANSACTION_COMMIT_TYPE, MessageSysFlag.TRANSACTION_ROLLBACK_TYPE):
            return None
        if from_check or kind == MessageSysFlag.TRANSACTION_ROLLBACK_TYPE:
            log.warning("%s producer[%s] %s the message. RequestHeader: %s Remark: %s",
                        "Check" if from_check else "End", peer, _TYPE_NAMES[kind], header, request.remark)
        service = controller.transactional_message_service
        result: OperationResult
        if kind == MessageSysFlag.TRANSACTION_COMMIT_TYPE:
            result = service.commit_message(header)
            if result.response_code == ResponseCode.SUCCESS:
                res = self.check_prepare_message(result.prepare_message, header)
                if res.code != ResponseCode.SUCCESS:
                    record_error(s, res.remark or "")
                    return res
                half = result.prepare_message
                msg_inner = self.end_message_transaction(half)
                msg_inner.sys_flag = MessageSysFlag.reset_transaction_value(msg_inner.sys_flag, kind)
                msg_inner.queue_offset = header.tran_state_table_offset
                msg_inner.prepared_transaction_offset = header.commit_log_offset
                msg_inner.store_timestamp = half.store_timestamp
                msg_inner.properties.pop(mc.PROPERTY_TRANSACTION_PREPARED, None)
                msg_inner.properties_string = message_properties2string(msg_inner.properties)
                send_result = self.send_final_message(msg_inner)
                if send_result.code == ResponseCode.SUCCESS:
                    service.delete_prepare_message(half)
                else:
                    record_error(s, send_result.remark or "")
                return send_result
        else:
            result = service.rollback_message(header)
            if result.response_code == ResponseCode.SUCCESS:
                res = self.check_prepare_message(result.prepare_message, header)
                if res.code == ResponseCode.SUCCESS:
                    service.delete_prepare_message(result.prepare_message)
                else:
                    record_error(s, res.remark or "")
                return res
        response.code = result.response_code
        response.remark = result.response_remark
        record_error(s, response.remark or "")
        return response

    @staticmethod
    def check_prepare_message(msg_ext: Any, header: EndTransactionRequestHeader) -> RemotingCommand:
        response = RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR, None)
        if msg_ext is None:
            response.remark = "Find prepared transaction message failed"
        elif msg_ext.properties.get(mc.PROPERTY_PRODUCER_GROUP) != header.producer_group:
            response.remark = "The producer group wrong"
        elif msg_ext.queue_offset != header.tran_state_table_offset:
            response.remark = "The transaction state table offset wrong"
        elif msg_ext.commit_log_offset != header.commit_log_offset:
            response.remark = "The commit log offset wrong"
        else:
            response.code = ResponseCode.SUCCESS
        return response

    @staticmethod
    def end_message_transaction(msg_ext: Any) -> MessageExtBrokerInner:
        """The real message out of a half message: its topic and queue back, the rest as sent."""
        props = dict(msg_ext.properties)
        topic = props.pop(mc.PROPERTY_REAL_TOPIC, None)
        queue_id = int(props.pop(mc.PROPERTY_REAL_QUEUE_ID, "0"))
        inner = MessageExtBrokerInner(topic, msg_ext.body, flag=msg_ext.flag, properties=props, queue_id=queue_id,
                                      sys_flag=msg_ext.sys_flag, born_timestamp=msg_ext.born_timestamp,
                                      born_host=msg_ext.born_host, store_host=msg_ext.store_host,
                                      reconsume_times=msg_ext.reconsume_times)
        inner.transaction_id = props.get(mc.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
        inner.tags_code = tags_string2tags_code(props.get(mc.PROPERTY_TAGS))
        inner.wait_store_msg_ok = False
        return inner

    def send_final_message(self, msg_inner: MessageExtBrokerInner) -> RemotingCommand:
        response = RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR, None)
        result = self.broker_controller.message_store.put_message(msg_inner)
        if result is None:
            response.remark = "store putMessage return null"
            return response
        status = result.put_message_status
        if status in _STORED:
            response.code = ResponseCode.SUCCESS
        elif status is PutMessageStatus.CREATE_MAPEDFILE_FAILED:
            response.remark = "Create mapped file failed."
        elif status in (PutMessageStatus.MESSAGE_ILLEGAL, PutMessageStatus.PROPERTIES_SIZE_EXCEEDED):
            response.code = ResponseCode.MESSAGE_ILLEGAL
            response.remark = ("The message is illegal, maybe msg body or properties length not matched. msg body "
                               f"length limit {self.broker_controller.message_store_config.max_message_size}B, "
                               "msg properties length limit 32KB.")
        elif status is PutMessageStatus.SERVICE_NOT_AVAILABLE:
            response.code = ResponseCode.SERVICE_NOT_AVAILABLE
            response.remark = "Service not available now."
        elif status is PutMessageStatus.OS_PAGECACHE_BUSY:
            response.remark = "OS page cache busy, please try another machine"
        else:
            response.remark = "UNKNOWN_ERROR"
        return response
