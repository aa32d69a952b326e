"""``java_string_hash_code`` (C-level polynomial forms) against the plain ``h = 31*h + c`` loop."""
from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from rocketmq_ref.common.java_hash import java_string_hash_code, java_string_hash_code_loop

# the index keys and tags a broker hashes: ASCII, then any text (lone surrogates included, which
# Java strings may hold), lengths across the 640-character chunk boundary
_ascii = st.text(alphabet=st.characters(max_codepoint=127), max_size=1500)
_any = st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF),
               max_size=1500)


@settings(max_examples=300, deadline=None)
@given(_ascii)
def test_ascii_hash_equals_the_java_loop(s):
    assert java_string_hash_code.__wrapped__(s) == java_string_hash_code_loop(s)


@settings(max_examples=300, deadline=None)
@given(_any)
def test_any_text_hash_equals_the_java_loop(s):
    assert java_string_hash_code.__wrapped__(s) == java_string_hash_code_loop(s)


def test_known_java_values_and_chunk_boundaries():
    assert java_string_hash_code_loop("polygenelubricants") == -2**31  # Integer.MIN_VALUE
    assert java_string_hash_code_loop("TagA") == 2598919
    for n in (0, 1, 639, 640, 641, 1280, 1281, 5000):
        for s in ("\x7f" * n, "z" * n, "é" * n, "\U0001d11e" * (n // 2), "a\udc00" * (n // 2)):
            assert java_string_hash_code.__wrapped__(s) == java_string_hash_code_loop(s), (n, s[:3])


def test_long_keys_work_under_the_smallest_int_digit_limit():
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(640)
    try:
        s = "k" * 10_000
        assert java_string_hash_code.__wrapped__(s) == java_string_hash_code_loop(s)
    finally:
        sys.set_int_max_str_digits(old)
