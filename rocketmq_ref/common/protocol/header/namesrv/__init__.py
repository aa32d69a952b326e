"""The name server's custom headers (Java ``common/protocol/header/namesrv``; book A4.3.2)."""
from __future__ import annotations

from rocketmq_ref.common.protocol.header.namesrv.add_write_perm_of_broker_request_header import AddWritePermOfBrokerRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.add_write_perm_of_broker_response_header import AddWritePermOfBrokerResponseHeader
from rocketmq_ref.common.protocol.header.namesrv.delete_kv_config_request_header import DeleteKVConfigRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.delete_topic_from_namesrv_request_header import DeleteTopicFromNamesrvRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.get_kv_config_request_header import GetKVConfigRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.get_kv_config_response_header import GetKVConfigResponseHeader
from rocketmq_ref.common.protocol.header.namesrv.get_kv_list_by_namespace_request_header import GetKVListByNamespaceRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.get_route_info_request_header import GetRouteInfoRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.put_kv_config_request_header import PutKVConfigRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.query_data_version_request_header import QueryDataVersionRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.query_data_version_response_header import QueryDataVersionResponseHeader
from rocketmq_ref.common.protocol.header.namesrv.register_broker_request_header import RegisterBrokerRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.register_broker_response_header import RegisterBrokerResponseHeader
from rocketmq_ref.common.protocol.header.namesrv.register_order_topic_request_header import RegisterOrderTopicRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.un_register_broker_request_header import UnRegisterBrokerRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.wipe_write_perm_of_broker_request_header import WipeWritePermOfBrokerRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.wipe_write_perm_of_broker_response_header import WipeWritePermOfBrokerResponseHeader

__all__ = [
    "AddWritePermOfBrokerRequestHeader",
    "AddWritePermOfBrokerResponseHeader",
    "DeleteKVConfigRequestHeader",
    "DeleteTopicFromNamesrvRequestHeader",
    "GetKVConfigRequestHeader",
    "GetKVConfigResponseHeader",
    "GetKVListByNamespaceRequestHeader",
    "GetRouteInfoRequestHeader",
    "PutKVConfigRequestHeader",
    "QueryDataVersionRequestHeader",
    "QueryDataVersionResponseHeader",
    "RegisterBrokerRequestHeader",
    "RegisterBrokerResponseHeader",
    "RegisterOrderTopicRequestHeader",
    "UnRegisterBrokerRequestHeader",
    "WipeWritePermOfBrokerRequestHeader",
    "WipeWritePermOfBrokerResponseHeader",
]
