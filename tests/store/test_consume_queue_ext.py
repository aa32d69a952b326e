"""ConsumeQueueExt: ext units (tags code, store time, filter bit map) addressed from consume-queue
units when enableConsumeQueueExt is on (Java ConsumeQueueExt; B4.5.2, B5.8)."""
from __future__ import annotations

import os
import struct

import pytest

from rocketmq_ref.store.consume_queue import CQ_STORE_UNIT_SIZE, ConsumeQueue
from rocketmq_ref.store.consume_queue_ext import (ConsumeQueueExt, CqExtUnit, decorate, is_ext_addr,
                                                  un_decorate)
from rocketmq_ref.store.dispatch_request import DispatchRequest
from tests.store.store_a_support import new_msg, open_store, small_config, wait_dispatched
from tests.store.store_b_support import PartStore

EXT_FILE = 200


def test_addresses_cannot_be_taken_for_tags_codes():
    assert decorate(0) == -(1 << 63) and un_decorate(decorate(12345)) == 12345
    assert is_ext_addr(decorate(0)) and is_ext_addr(-(1 << 31) - 1)
    assert not is_ext_addr(-(1 << 31))  # the most negative Java String.hashCode is a tags code
    assert not is_ext_addr(1_700_000_000_000)  # a delivery time


def test_unit_layout_is_size_tags_time_bitmap_length_bitmap(tmp_path):
    ext = ConsumeQueueExt("T", 0, str(tmp_path), EXT_FILE, 64)
    a1 = ext.put(CqExtUnit(2598919, 1_700_000_000_000, b"\x01\x02"))
    a2 = ext.put(CqExtUnit(-5, 1_700_000_000_001, None))
    assert un_decorate(a1) == 0 and un_decorate(a2) == 22
    raw = open(os.path.join(str(tmp_path), "T", "0", "%020d" % 0), "rb").read()
    assert raw[:22] == struct.pack(">hqqh", 22, 2598919, 1_700_000_000_000, 2) + b"\x01\x02"
    assert raw[22:42] == struct.pack(">hqqh", 20, -5, 1_700_000_000_001, 0)
    u = ext.get(a1)
    assert (u.tags_code, u.msg_store_time, u.get_filter_bit_map(), u.size) == (2598919, 1_700_000_000_000,
                                                                                b"\x01\x02", 22)
    assert ext.get(a2).get_filter_bit_map() is None
    assert ext.get(12345) is None  # not an address
    ext.close()


def test_a_unit_that_does_not_fit_moves_to_the_next_file_after_a_marker(tmp_path):
    ext = ConsumeQueueExt("T", 0, str(tmp_path), EXT_FILE, 64)
    addrs = [ext.put(CqExtUnit(i, i, bytes(20))) for i in range(10)]  # 40-byte units, 4 per file
    assert [un_decorate(a) for a in addrs[:5]] == [0, 40, 80, 120, EXT_FILE]
    raw = open(os.path.join(str(tmp_path), "T", "0", "%020d" % 0), "rb").read()
    assert struct.unpack_from(">h", raw, 160)[0] == -1
    assert [ext.get(a).tags_code for a in addrs] == list(range(10))
    ext.close()
    again = ConsumeQueueExt("T", 0, str(tmp_path), EXT_FILE, 64)
    assert again.load()
    again.recover()
    assert un_decorate(again.get_max_address()) == 2 * EXT_FILE + 80
    assert again.put(CqExtUnit(99, 99, None)) == decorate(2 * EXT_FILE + 80)
    again.truncate_by_max_address(addrs[5])  # keep units up to the sixth
    assert un_decorate(again.get_max_address()) == EXT_FILE + 80
    again.truncate_by_min_address(addrs[5])
    assert un_decorate(again.get_min_address()) == EXT_FILE
    again.close()


def _req(i: int, bit_map: bytes | None = b"\xff") -> DispatchRequest:
    req = DispatchRequest("T", 0, i * 100, 100, 1000 + i, 1_700_000_000_000 + i, i)
    req.bit_map = bit_map
    return req


@pytest.fixture
def store(tmp_path):
    s = PartStore(str(tmp_path), enable_consume_queue_ext=True, mapped_file_size_consume_queue_ext=EXT_FILE)
    yield s
    s.close()


def _cq(store) -> ConsumeQueue:
    return ConsumeQueue("T", 0, os.path.join(store.config.store_path_root_dir, "consumequeue"),
                        10 * CQ_STORE_UNIT_SIZE, store)


def test_units_point_into_the_ext_file_and_resolve(store):
    cq = _cq(store)
    for i in range(25):
        cq.put_message_position_info_wrapper(_req(i))
    assert cq.get_max_offset_in_queue() == 25
    sbr = cq.get_index_buffer(7)
    offset, size, tags = struct.unpack_from(">qiq", sbr.byte_buffer, 0)
    sbr.release()
    assert (offset, size) == (700, 100) and cq.is_ext_addr(tags)
    ext = cq.get_ext(tags)
    assert (ext.tags_code, ext.msg_store_time, ext.get_filter_bit_map()) == (1007, 1_700_000_000_007, b"\xff")
    assert os.path.isdir(os.path.join(store.config.store_path_root_dir, "consumequeue_ext", "T", "0"))
    cq.close()


def test_recovery_and_truncation_keep_ext_and_units_in_step(store):
    cq = _cq(store)
    for i in range(25):
        cq.put_message_position_info_wrapper(_req(i))
    cq.flush(0)
    cq.close()
    cq = _cq(store)
    assert cq.load()
    cq.recover()
    assert cq.get_max_offset_in_queue() == 25
    cq.truncate_dirty_logic_files(1250)  # units 13.. point past the commit log's end
    assert cq.get_max_offset_in_queue() == 13
    sbr = cq.get_index_buffer(12)
    tags = struct.unpack_from(">qiq", sbr.byte_buffer, 0)[2]
    sbr.release()
    last = cq.get_ext(tags)
    assert last.tags_code == 1012
    # the ext is cut just after unit 12's ext unit (9 units of 21 bytes fit a 200-byte file)
    assert un_decorate(tags) == EXT_FILE + 3 * 21
    assert un_decorate(cq.consume_queue_ext.get_max_address()) == un_decorate(tags) + last.size
    # the next put lands right after it
    cq.put_message_position_info_wrapper(_req(13))
    sbr = cq.get_index_buffer(13)
    new_tags = struct.unpack_from(">qiq", sbr.byte_buffer, 0)[2]
    sbr.release()
    assert un_decorate(new_tags) == un_decorate(tags) + last.size
    assert cq.get_ext(new_tags).tags_code == 1013
    cq.close()


def test_store_with_ext_enabled_dispatches_through_the_ext(tmp_path):
    store = open_store(small_config(tmp_path, enable_consume_queue_ext=True))
    try:
        for i in range(10):
            store.put_message(new_msg("ExtTopic", b"m%d" % i, 0, tags="TagA"))
        wait_dispatched(store)
        cq = store.find_consume_queue("ExtTopic", 0)
        sbr = cq.get_index_buffer(0)
        tags_codes = [t for _, _, t in struct.iter_unpack(">qiq", bytes(sbr.byte_buffer))]
        sbr.release()
        assert len(tags_codes) == 10 and all(cq.is_ext_addr(t) for t in tags_codes)
        assert {cq.get_ext(t).tags_code for t in tags_codes} == {2598919}  # "TagA".hashCode()
        res = store.get_message("g", "ExtTopic", 0, 0, 32, None)
        assert res.get_message_count() == 10
        res.release()
    finally:
        store.shutdown()


def test_clean_up_drops_ext_files_before_the_first_kept_unit(store):
    cq = _cq(store)
    for i in range(25):
        cq.put_message_position_info_wrapper(_req(i))
    assert cq.delete_expired_file(1050) == 1  # CQ file 0 (units 0..9) is below the commit log
    assert cq.get_min_offset_in_queue() == 11
    # unit 11's ext unit is at 242 (file 1); ext file 0 ends at 200 < 242 and goes
    assert un_decorate(cq.consume_queue_ext.get_min_address()) == EXT_FILE
    sbr = cq.get_index_buffer(11)
    tags = struct.unpack_from(">qiq", sbr.byte_buffer, 0)[2]
    sbr.release()
    assert cq.get_ext(tags).tags_code == 1011
    cq.close()
