"""Every custom header of the broker, producer, consumer and admin tools (Java
``common/protocol/header``; book A4.3.2); the name server's are in ``header.namesrv``.

Each is a declarative dataclass (``rocketmq_ref.remoting.command_custom_header``).
"""
from __future__ import annotations

from rocketmq_ref.common.protocol.header.check_transaction_state_request_header import CheckTransactionStateRequestHeader
from rocketmq_ref.common.protocol.header.check_transaction_state_response_header import CheckTransactionStateResponseHeader
from rocketmq_ref.common.protocol.header.clone_group_offset_request_header import CloneGroupOffsetRequestHeader
from rocketmq_ref.common.protocol.header.consume_message_directly_result_request_header import ConsumeMessageDirectlyResultRequestHeader
from rocketmq_ref.common.protocol.header.consumer_send_msg_back_request_header import ConsumerSendMsgBackRequestHeader
from rocketmq_ref.common.protocol.header.create_access_config_request_header import CreateAccessConfigRequestHeader
from rocketmq_ref.common.protocol.header.create_topic_request_header import CreateTopicRequestHeader
from rocketmq_ref.common.protocol.header.delete_access_config_request_header import DeleteAccessConfigRequestHeader
from rocketmq_ref.common.protocol.header.delete_subscription_group_request_header import DeleteSubscriptionGroupRequestHeader
from rocketmq_ref.common.protocol.header.delete_topic_request_header import DeleteTopicRequestHeader
from rocketmq_ref.common.protocol.header.end_transaction_request_header import EndTransactionRequestHeader
from rocketmq_ref.common.protocol.header.end_transaction_response_header import EndTransactionResponseHeader
from rocketmq_ref.common.protocol.header.get_all_producer_info_request_header import GetAllProducerInfoRequestHeader
from rocketmq_ref.common.protocol.header.get_all_topic_config_response_header import GetAllTopicConfigResponseHeader
from rocketmq_ref.common.protocol.header.get_broker_acl_config_response_header import GetBrokerAclConfigResponseHeader
from rocketmq_ref.common.protocol.header.get_broker_config_response_header import GetBrokerConfigResponseHeader
from rocketmq_ref.common.protocol.header.get_consume_stats_in_broker_header import GetConsumeStatsInBrokerHeader
from rocketmq_ref.common.protocol.header.get_consume_stats_request_header import GetConsumeStatsRequestHeader
from rocketmq_ref.common.protocol.header.get_consumer_connection_list_request_header import GetConsumerConnectionListRequestHeader
from rocketmq_ref.common.protocol.header.get_consumer_list_by_group_request_header import GetConsumerListByGroupRequestHeader
from rocketmq_ref.common.protocol.header.get_consumer_list_by_group_response_header import GetConsumerListByGroupResponseHeader
from rocketmq_ref.common.protocol.header.get_consumer_running_info_request_header import GetConsumerRunningInfoRequestHeader
from rocketmq_ref.common.protocol.header.get_consumer_status_request_header import GetConsumerStatusRequestHeader
from rocketmq_ref.common.protocol.header.get_earliest_msg_storetime_request_header import GetEarliestMsgStoretimeRequestHeader
from rocketmq_ref.common.protocol.header.get_earliest_msg_storetime_response_header import GetEarliestMsgStoretimeResponseHeader
from rocketmq_ref.common.protocol.header.get_max_offset_request_header import GetMaxOffsetRequestHeader
from rocketmq_ref.common.protocol.header.get_max_offset_response_header import GetMaxOffsetResponseHeader
from rocketmq_ref.common.protocol.header.get_min_offset_request_header import GetMinOffsetRequestHeader
from rocketmq_ref.common.protocol.header.get_min_offset_response_header import GetMinOffsetResponseHeader
from rocketmq_ref.common.protocol.header.get_producer_connection_list_request_header import GetProducerConnectionListRequestHeader
from rocketmq_ref.common.protocol.header.get_topic_stats_info_request_header import GetTopicStatsInfoRequestHeader
from rocketmq_ref.common.protocol.header.get_topics_by_cluster_request_header import GetTopicsByClusterRequestHeader
from rocketmq_ref.common.protocol.header.notify_consumer_ids_changed_request_header import NotifyConsumerIdsChangedRequestHeader
from rocketmq_ref.common.protocol.header.pull_message_request_header import PullMessageRequestHeader
from rocketmq_ref.common.protocol.header.pull_message_response_header import PullMessageResponseHeader
from rocketmq_ref.common.protocol.header.query_consume_queue_request_header import QueryConsumeQueueRequestHeader
from rocketmq_ref.common.protocol.header.query_consume_time_span_request_header import QueryConsumeTimeSpanRequestHeader
from rocketmq_ref.common.protocol.header.query_consumer_offset_request_header import QueryConsumerOffsetRequestHeader
from rocketmq_ref.common.protocol.header.query_consumer_offset_response_header import QueryConsumerOffsetResponseHeader
from rocketmq_ref.common.protocol.header.query_correction_offset_header import QueryCorrectionOffsetHeader
from rocketmq_ref.common.protocol.header.query_message_request_header import QueryMessageRequestHeader
from rocketmq_ref.common.protocol.header.query_message_response_header import QueryMessageResponseHeader
from rocketmq_ref.common.protocol.header.query_topic_consume_by_who_request_header import QueryTopicConsumeByWhoRequestHeader
from rocketmq_ref.common.protocol.header.reply_message_request_header import ReplyMessageRequestHeader
from rocketmq_ref.common.protocol.header.reset_offset_request_header import ResetOffsetRequestHeader
from rocketmq_ref.common.protocol.header.resume_check_half_message_request_header import ResumeCheckHalfMessageRequestHeader
from rocketmq_ref.common.protocol.header.rpc_request_header import RpcRequestHeader
from rocketmq_ref.common.protocol.header.search_offset_request_header import SearchOffsetRequestHeader
from rocketmq_ref.common.protocol.header.search_offset_response_header import SearchOffsetResponseHeader
from rocketmq_ref.common.protocol.header.send_message_request_header import SendMessageRequestHeader
from rocketmq_ref.common.protocol.header.send_message_request_header_v2 import SendMessageRequestHeaderV2
from rocketmq_ref.common.protocol.header.send_message_response_header import SendMessageResponseHeader
from rocketmq_ref.common.protocol.header.unregister_client_request_header import UnregisterClientRequestHeader
from rocketmq_ref.common.protocol.header.unregister_client_response_header import UnregisterClientResponseHeader
from rocketmq_ref.common.protocol.header.update_consumer_offset_request_header import UpdateConsumerOffsetRequestHeader
from rocketmq_ref.common.protocol.header.update_consumer_offset_response_header import UpdateConsumerOffsetResponseHeader
from rocketmq_ref.common.protocol.header.update_global_white_addrs_config_request_header import UpdateGlobalWhiteAddrsConfigRequestHeader
from rocketmq_ref.common.protocol.header.view_broker_stats_data_request_header import ViewBrokerStatsDataRequestHeader
from rocketmq_ref.common.protocol.header.view_message_request_header import ViewMessageRequestHeader
from rocketmq_ref.common.protocol.header.view_message_response_header import ViewMessageResponseHeader

__all__ = [
    "CheckTransactionStateRequestHeader",
    "CheckTransactionStateResponseHeader",
    "CloneGroupOffsetRequestHeader",
    "ConsumeMessageDirectlyResultRequestHeader",
    "ConsumerSendMsgBackRequestHeader",
    "CreateAccessConfigRequestHeader",
    "CreateTopicRequestHeader",
    "DeleteAccessConfigRequestHeader",
    "DeleteSubscriptionGroupRequestHeader",
    "DeleteTopicRequestHeader",
    "EndTransactionRequestHeader",
    "EndTransactionResponseHeader",
    "GetAllProducerInfoRequestHeader",
    "GetAllTopicConfigResponseHeader",
    "GetBrokerAclConfigResponseHeader",
    "GetBrokerConfigResponseHeader",
    "GetConsumeStatsInBrokerHeader",
    "GetConsumeStatsRequestHeader",
    "GetConsumerConnectionListRequestHeader",
    "GetConsumerListByGroupRequestHeader",
    "GetConsumerListByGroupResponseHeader",
    "GetConsumerRunningInfoRequestHeader",
    "GetConsumerStatusRequestHeader",
    "GetEarliestMsgStoretimeRequestHeader",
    "GetEarliestMsgStoretimeResponseHeader",
    "GetMaxOffsetRequestHeader",
    "GetMaxOffsetResponseHeader",
    "GetMinOffsetRequestHeader",
    "GetMinOffsetResponseHeader",
    "GetProducerConnectionListRequestHeader",
    "GetTopicStatsInfoRequestHeader",
    "GetTopicsByClusterRequestHeader",
    "NotifyConsumerIdsChangedRequestHeader",
    "PullMessageRequestHeader",
    "PullMessageResponseHeader",
    "QueryConsumeQueueRequestHeader",
    "QueryConsumeTimeSpanRequestHeader",
    "QueryConsumerOffsetRequestHeader",
    "QueryConsumerOffsetResponseHeader",
    "QueryCorrectionOffsetHeader",
    "QueryMessageRequestHeader",
    "QueryMessageResponseHeader",
    "QueryTopicConsumeByWhoRequestHeader",
    "ReplyMessageRequestHeader",
    "ResetOffsetRequestHeader",
    "ResumeCheckHalfMessageRequestHeader",
    "RpcRequestHeader",
    "SearchOffsetRequestHeader",
    "SearchOffsetResponseHeader",
    "SendMessageRequestHeader",
    "SendMessageRequestHeaderV2",
    "SendMessageResponseHeader",
    "UnregisterClientRequestHeader",
    "UnregisterClientResponseHeader",
    "UpdateConsumerOffsetRequestHeader",
    "UpdateConsumerOffsetResponseHeader",
    "UpdateGlobalWhiteAddrsConfigRequestHeader",
    "ViewBrokerStatsDataRequestHeader",
    "ViewMessageRequestHeader",
    "ViewMessageResponseHeader",
]
