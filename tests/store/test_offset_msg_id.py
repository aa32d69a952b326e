"""The send path's offset message id (cached host hex + offset) is ``create_message_id``'s."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rocketmq_ref.common.message.message_decoder import create_message_id
from rocketmq_ref.store.commit_log import _offset_msg_id, host_hex

_hosts = st.one_of(
    st.tuples(st.ip_addresses(v=4).map(str), st.integers(0, 65535)),
    st.tuples(st.ip_addresses(v=6).map(str), st.integers(0, 65535)))


@settings(max_examples=200, deadline=None)
@given(_hosts, st.integers(0, 2**63 - 1))
def test_offset_msg_id_equals_create_message_id(host, offset):
    assert _offset_msg_id(host_hex(host), offset) == create_message_id(host, offset)
