"""Span attribute names shared by the remoting spans (no Java twin)."""
ATTR_CODE = "rocketmq.remoting.code"
ATTR_OPAQUE = "rocketmq.remoting.opaque"
ATTR_RESPONSE_CODE = "rocketmq.remoting.response_code"
ATTR_ONEWAY = "rocketmq.remoting.oneway"
ATTR_PEER = "network.peer.address"
ATTR_SERIALIZE_TYPE = "rocketmq.remoting.serialize_type"
ERROR_CODES = frozenset((1, 2, 3))  # SYSTEM_ERROR, SYSTEM_BUSY, REQUEST_CODE_NOT_SUPPORTED
