"""The broker's check of a signed request: parse (resources per request code, signed content) and
validate (white lists, keys, signature, admin codes, topic and group permissions)."""
from __future__ import annotations

from pathlib import Path

import pytest

from rocketmq_ref.acl.common import AclClientRPCHook, AclException, SessionCredentials
from rocketmq_ref.acl.common import permission as P
from rocketmq_ref.acl.plain.plain_access_validator import PlainAccessValidator
from rocketmq_ref.common.protocol.heartbeat import ConsumerData, HeartbeatData, SubscriptionData
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

# the example file Java ships (distribution/conf/plain_acl.yml), plus a third account
PLAIN_ACL = """\
globalWhiteRemoteAddresses:
  - 10.10.103.*
  - 192.168.0.*

accounts:
  - accessKey: RocketMQ
    secretKey: 12345678
    whiteRemoteAddress:
    admin: false
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms:
      - topicA=DENY
      - topicB=PUB|SUB
      - topicC=SUB
    groupPerms:
      # the group should convert to retry topic
      - groupA=DENY
      - groupB=PUB|SUB
      - groupC=SUB

  - accessKey: rocketmq2
    secretKey: 12345678
    whiteRemoteAddress: 192.168.1.*
    # if it is admin, it could access all resources
    admin: true

  - accessKey: publisher
    secretKey: pub-secret-1
    defaultTopicPerm: PUB
"""

CLIENT = "127.0.0.1:50000"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "plain_acl.yml").write_text(PLAIN_ACL)
    return tmp_path


@pytest.fixture
def validator(home: Path) -> PlainAccessValidator:
    return PlainAccessValidator(str(home))


def signed(code: int, fields: dict[str, str], access_key: str = "RocketMQ", secret_key: str = "12345678",
           body: bytes | None = None) -> RemotingCommand:
    request = RemotingCommand.create_request_command(code, None, body)
    request.ext_fields = dict(fields)
    AclClientRPCHook(SessionCredentials(access_key, secret_key)).do_before_request(None, request)
    return RemotingCommand.decode(request.encode()[4:])  # as the broker reads it


def check(validator: PlainAccessValidator, request: RemotingCommand, addr: str = CLIENT) -> None:
    validator.validate(validator.parse(request, addr))


def send(topic: str, **kw) -> RemotingCommand:
    return signed(RequestCode.SEND_MESSAGE_V2, {"a": "PG", "b": topic, "c": "TBW102"}, **kw)


def pull(topic: str, group: str, **kw) -> RemotingCommand:
    return signed(RequestCode.PULL_MESSAGE, {"topic": topic, "consumerGroup": group, "queueId": "0"}, **kw)


def test_topic_permissions_deny_pub_sub_and_default(validator):
    check(validator, send("topicB"))                      # PUB|SUB
    with pytest.raises(AclException, match="No default permission for topic:topicA"):
        check(validator, send("topicA"))                  # DENY
    with pytest.raises(AclException, match="topic:topicC"):
        check(validator, send("topicC"))                  # SUB only: no PUB
    with pytest.raises(AclException, match="topic:other"):
        check(validator, send("other"))                   # defaultTopicPerm DENY
    check(validator, pull("topicC", "groupC"))            # SUB on topic and group


def test_group_permissions_go_through_the_retry_topic(validator):
    with pytest.raises(AclException, match="No default permission for group:groupA"):
        check(validator, pull("topicC", "groupA"))
    check(validator, pull("topicB", "anyGroup"))          # defaultGroupPerm SUB
    with pytest.raises(AclException, match="topic:topicA"):
        check(validator, pull("topicA", "groupB"))


def test_heartbeat_needs_sub_on_every_subscription(validator):
    data = HeartbeatData(client_id="c1", consumer_data_set=[ConsumerData(
        group_name="groupB", subscription_data_set=[SubscriptionData(topic="topicC", sub_string="*")])])
    check(validator, signed(RequestCode.HEART_BEAT, {}, body=data.encode()))
    data.consumer_data_set[0].subscription_data_set.append(SubscriptionData(topic="topicA", sub_string="*"))
    with pytest.raises(AclException, match="topic:topicA"):
        check(validator, signed(RequestCode.HEART_BEAT, {}, body=data.encode()))


def test_wrong_secret_fails_the_signature_check(validator):
    with pytest.raises(AclException, match="Check signature failed for accessKey=RocketMQ"):
        check(validator, send("topicB", secret_key="wrong-secret"))


def test_a_changed_field_or_body_fails_the_signature_check(validator):
    request = send("topicB", body=b"payload")
    request.body = b"payloaX"
    with pytest.raises(AclException, match="Check signature failed"):
        check(validator, request)


def test_unknown_or_missing_access_key(validator):
    with pytest.raises(AclException, match="No acl config for nobody1"):
        check(validator, send("topicB", access_key="nobody1"))
    bare = RemotingCommand.create_request_command(RequestCode.SEND_MESSAGE_V2)
    bare.ext_fields = {"b": "topicB"}
    with pytest.raises(AclException, match="No accessKey is configured"):
        check(validator, bare)


def test_global_white_list_lets_anyone_in(validator):
    bare = RemotingCommand.create_request_command(RequestCode.UPDATE_AND_CREATE_TOPIC)
    check(validator, bare, "192.168.0.77:4000")
    with pytest.raises(AclException):
        check(validator, bare, "192.168.9.77:4000")


def test_account_white_address_skips_the_signature(validator):
    check(validator, send("anything", access_key="rocketmq2", secret_key="not-the-secret"), "192.168.1.5:1")
    with pytest.raises(AclException, match="Check signature failed"):
        check(validator, send("anything", access_key="rocketmq2", secret_key="not-the-secret"), "192.168.2.5:1")


def test_admin_codes_need_an_admin_account(validator):
    create = signed(RequestCode.UPDATE_AND_CREATE_TOPIC, {"topic": "T1"}, access_key="publisher",
                    secret_key="pub-secret-1")
    with pytest.raises(AclException, match="Need admin permission for request code=17, "
                                           "but accessKey=publisher is not"):
        check(validator, create)
    check(validator, signed(RequestCode.UPDATE_AND_CREATE_TOPIC, {"topic": "T1"}, access_key="rocketmq2"),
          "127.0.0.1:1")  # admin, signed right, from outside its white range
    assert P.need_admin_perm(RequestCode.DELETE_SUBSCRIPTIONGROUP)
    assert not P.need_admin_perm(RequestCode.SEND_MESSAGE)


def test_trace_topic_is_open_to_signed_accounts(validator):
    check(validator, send("RMQ_SYS_TRACE_TOPIC"))


def test_parse_takes_the_retry_topic_of_a_retry_send(validator):
    resource = validator.parse(send("%RETRY%groupB"), CLIENT)
    assert resource.resource_perm_map == {"%RETRY%PG": P.SUB}
    assert resource.white_remote_address == "127.0.0.1"


def test_unique_key_query_flag_is_not_signed_but_trace_context_is(validator):
    request = send("topicB")
    request.ext_fields["_UNIQUE_KEY_QUERY"] = "true"
    check(validator, request)
    request.ext_fields["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    with pytest.raises(AclException, match="Check signature failed"):  # as a Java broker would
        check(validator, request)


def test_trace_context_added_after_the_hook_is_signed_when_encoded(validator):
    request = RemotingCommand.create_request_command(RequestCode.SEND_MESSAGE_V2, None, b"body")
    request.ext_fields = {"a": "PG", "b": "topicB"}
    hook = AclClientRPCHook(SessionCredentials("RocketMQ", "12345678"))
    hook.do_before_request(None, request)
    request.ext_fields["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    check(validator, RemotingCommand.decode(request.encode()[4:]))
    # a retry: hooks again, a new client span, a new traceparent of the same length
    hook.do_before_request(None, request)
    request.ext_fields["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-00000000000000aa-01"
    wire = RemotingCommand.decode(request.encode()[4:])
    assert wire.ext_fields["traceparent"].endswith("aa-01")
    check(validator, wire)


def test_permission_bits():
    assert P.check_permission(P.PUB, P.PUB | P.SUB)
    assert not P.check_permission(P.PUB, P.SUB)
    assert not P.check_permission(P.SUB, P.DENY | P.SUB)
    assert P.check_permission(P.ANY, P.SUB) and not P.check_permission(P.ANY, 0)
    assert P.parse_perm_from_string("SUB|PUB") == P.PUB | P.SUB
    assert P.parse_perm_from_string("nonsense") == P.DENY
    assert P.parse_perm_from_string(None) == P.DENY
    with pytest.raises(AclException, match="Res=Perm"):
        P.check_resource_perms(["topicA"])
    with pytest.raises(AclException, match="expected permissions"):
        P.check_resource_perms(["topicA=ALL"])


def test_malformed_requests_are_refused_with_the_reason(validator):
    with pytest.raises(AclException):
        validator.parse(signed(RequestCode.HEART_BEAT, {}, body=b"{not json"), CLIENT)
    missing = signed(RequestCode.UPDATE_CONSUMER_OFFSET, {"topic": "topicC"})  # no consumerGroup
    with pytest.raises(AclException, match="consumerGroup"):
        validator.parse(missing, CLIENT)
    unsigned = send("topicB")
    del unsigned.ext_fields["Signature"]
    with pytest.raises(AclException, match="Check signature failed"):
        check(validator, unsigned)


@pytest.mark.parametrize("code, fields, needed", [
    (RequestCode.SEND_MESSAGE, {"topic": "T1", "producerGroup": "PG"}, {"T1": P.PUB}),
    (RequestCode.SEND_MESSAGE, {"topic": "%RETRY%G1", "group": "G1"}, {"%RETRY%G1": P.SUB}),
    (RequestCode.CONSUMER_SEND_MSG_BACK, {"group": "G1", "offset": "0"}, {"%RETRY%G1": P.SUB}),
    (RequestCode.QUERY_MESSAGE, {"topic": "T1", "key": "k"}, {"T1": P.SUB}),
    (RequestCode.GET_CONSUMER_LIST_BY_GROUP, {"consumerGroup": "G1"}, {"%RETRY%G1": P.SUB}),
    (RequestCode.UNREGISTER_CLIENT, {"clientID": "c1", "consumerGroup": "G1"}, {"%RETRY%G1": P.SUB}),
    (RequestCode.UPDATE_CONSUMER_OFFSET, {"consumerGroup": "G1", "topic": "T1", "queueId": "0",
                                          "commitOffset": "5"}, {"%RETRY%G1": P.SUB, "T1": P.SUB}),
    (RequestCode.GET_ROUTEINFO_BY_TOPIC, {"topic": "T1"}, None),  # signature only
])
def test_resources_each_request_code_needs(validator, code, fields, needed):
    assert validator.parse(signed(code, fields), CLIENT).resource_perm_map == needed
