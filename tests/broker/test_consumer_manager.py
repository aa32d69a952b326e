from rocketmq_ref.broker.client.client_channel_info import ClientChannelInfo
from rocketmq_ref.broker.client.consumer_ids_change_listener import ConsumerGroupEvent, ConsumerIdsChangeListener
from rocketmq_ref.broker.client.consumer_manager import ConsumerManager
from rocketmq_ref.broker.client.producer_manager import ProducerManager
from rocketmq_ref.common.filter_api import FilterAPI
from rocketmq_ref.common.protocol.heartbeat import ConsumeFromWhere, ConsumeType, MessageModel


class Recorder(ConsumerIdsChangeListener):
    def __init__(self):
        self.events = []

    def handle(self, event, group, *args):
        self.events.append((event, group, sorted(map(str, args[0])) if args and event is ConsumerGroupEvent.CHANGE
                            else None))


class Channel:
    def __init__(self, name):
        self.name = name
        self.closed = False

    def close(self):
        self.closed = True

    def __str__(self):
        return self.name


def register(m, group, channel, client_id, topics=("T",)):
    subs = [FilterAPI.build_subscription_data(t, "*") for t in topics]
    return m.register_consumer(group, ClientChannelInfo(channel, client_id), ConsumeType.CONSUME_PASSIVELY,
                               MessageModel.CLUSTERING, ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET, subs, True)


def changes(rec):
    return [e for e in rec.events if e[0] is ConsumerGroupEvent.CHANGE]


def test_new_member_notifies_the_group_and_a_repeat_heartbeat_does_not():
    rec = Recorder()
    m = ConsumerManager(rec)
    a, b = Channel("a"), Channel("b")
    assert register(m, "g", a, "c1")
    assert not register(m, "g", a, "c1")
    assert register(m, "g", b, "c2")
    assert changes(rec) == [(ConsumerGroupEvent.CHANGE, "g", ["a"]), (ConsumerGroupEvent.CHANGE, "g", ["a", "b"])]
    assert sorted(m.get_consumer_group_info("g").get_all_client_id()) == ["c1", "c2"]
    assert m.find_subscription_data("g", "T").sub_string == "*"
    assert m.query_topic_consume_by_who("T") == {"g"}


def test_subscription_change_removing_a_topic_counts_as_change():
    rec = Recorder()
    m = ConsumerManager(rec)
    a = Channel("a")
    register(m, "g", a, "c1", topics=("T", "U"))
    assert register(m, "g", a, "c1", topics=("T",))
    assert m.find_subscription_data("g", "U") is None


def test_channel_close_removes_member_and_empty_group():
    rec = Recorder()
    m = ConsumerManager(rec)
    a, b = Channel("a"), Channel("b")
    register(m, "g", a, "c1")
    register(m, "g", b, "c2")
    m.do_channel_close_event("addr", a)
    assert m.get_consumer_group_info("g").get_all_client_id() == ["c2"]
    assert changes(rec)[-1] == (ConsumerGroupEvent.CHANGE, "g", ["b"])
    m.do_channel_close_event("addr", b)
    assert m.get_consumer_group_info("g") is None
    assert (ConsumerGroupEvent.UNREGISTER, "g", None) in rec.events


def test_silent_channels_expire_are_closed_and_the_rest_is_told():
    rec = Recorder()
    m = ConsumerManager(rec, channel_expired_timeout_ms=120_000)
    a, b = Channel("a"), Channel("b")
    register(m, "g", a, "c1")
    register(m, "g", b, "c2")
    m.get_consumer_group_info("g").channel_info_table[a].last_update_timestamp -= 121_000
    m.scan_not_active_channel()
    assert a.closed and not b.closed
    assert m.get_consumer_group_info("g").get_all_client_id() == ["c2"]
    assert changes(rec)[-1] == (ConsumerGroupEvent.CHANGE, "g", ["b"])


def test_producer_manager_registers_expires_and_finds_channels():
    m = ProducerManager()
    a, b = Channel("a"), Channel("b")
    m.register_producer("pg", ClientChannelInfo(a, "p1"))
    m.register_producer("pg", ClientChannelInfo(b, "p2"))
    assert m.find_channel("p2") is b
    assert m.get_available_channel("pg") in (a, b)
    m.group_channel_table["pg"][a].last_update_timestamp -= 121_000
    m.scan_not_active_channel()
    assert a.closed and m.find_channel("p1") is None
    m.do_channel_close_event("x", b)
    assert m.get_group_channel_table() == {}
    assert m.get_available_channel("pg") is None
