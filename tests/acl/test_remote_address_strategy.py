"""Which remote addresses a white-address entry accepts (Java ``RemoteAddressStrategyFactory``)."""
from __future__ import annotations

import pytest

from rocketmq_ref.acl.common.acl_exception import AclException
from rocketmq_ref.acl.plain.plain_access_resource import PlainAccessResource
from rocketmq_ref.acl.plain.remote_address_strategy_factory import (
    BLANK_NET_ADDRESS_STRATEGY, NULL_NET_ADDRESS_STRATEGY, MultipleRemoteAddressStrategy,
    OneRemoteAddressStrategy, RangeRemoteAddressStrategy, RemoteAddressStrategyFactory)

factory = RemoteAddressStrategyFactory()


def matches(entry: str | None, addr: str) -> bool:
    return factory.get_remote_address_strategy(entry).match(PlainAccessResource(white_remote_address=addr))


def test_blank_matches_nothing_and_star_everything():
    assert factory.get_remote_address_strategy(None) is BLANK_NET_ADDRESS_STRATEGY
    assert factory.get_remote_address_strategy("  ") is BLANK_NET_ADDRESS_STRATEGY
    assert not matches("", "127.0.0.1")
    for star in ("*", "*.*.*.*", "*:*:*:*:*:*:*:*"):
        assert factory.get_remote_address_strategy(star) is NULL_NET_ADDRESS_STRATEGY
        assert matches(star, "10.1.2.3")


def test_single_address():
    assert isinstance(factory.get_remote_address_strategy("192.168.1.7"), OneRemoteAddressStrategy)
    assert matches("192.168.1.7", "192.168.1.7")
    assert not matches("192.168.1.7", "192.168.1.70")


def test_comma_list_and_brace_list():
    assert isinstance(factory.get_remote_address_strategy("1.1.1.1,2.2.2.2"), MultipleRemoteAddressStrategy)
    assert matches("1.1.1.1,2.2.2.2", "2.2.2.2")
    assert not matches("1.1.1.1,2.2.2.2", "3.3.3.3")
    assert matches("192.168.1.{1,2,3}", "192.168.1.2")
    assert not matches("192.168.1.{1,2,3}", "192.168.1.4")


def test_range_in_last_part():
    assert isinstance(factory.get_remote_address_strategy("192.168.1.1-100"), RangeRemoteAddressStrategy)
    assert matches("192.168.1.1-100", "192.168.1.1")
    assert matches("192.168.1.1-100", "192.168.1.100")
    assert not matches("192.168.1.1-100", "192.168.1.101")
    assert not matches("192.168.1.1-100", "192.168.2.50")


def test_star_ranges_in_inner_parts():
    assert matches("192.168.1.*", "192.168.1.254")
    assert not matches("192.168.1.*", "192.168.2.1")
    assert matches("192.168.*.*", "192.168.77.3")
    assert matches("192.*.*.*", "192.5.6.7")
    assert not matches("192.*.*.*", "193.5.6.7")
    assert matches("192.168.10-20.*", "192.168.15.9")
    assert not matches("192.168.10-20.*", "192.168.21.9")


def test_ipv6_single_and_range():
    assert matches("1050:0000:0000:0000:0005:0600:300c:326b", "1050::5:600:300c:326b")
    assert matches("1050::0005:0600:300c:*", "1050::5:600:300c:1")
    assert not matches("1050::0005:0600:300c:*", "1050::5:600:300d:1")


@pytest.mark.parametrize("bad", ["192.168.1", "256.1.1.1", "192.168.1.100-1", "192.168.1.-1",
                                 "192.168.1.1-300", "hello", "1.1.1.1,nope", "1.2.3{4}"])
def test_malformed_entries_are_refused(bad):
    with pytest.raises(AclException):
        factory.get_remote_address_strategy(bad)
