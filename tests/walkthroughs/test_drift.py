"""The drift check: every walkthrough re-run now gives the span tree it recorded, and every recorded
code location still lies inside the function it names."""
from __future__ import annotations

import pytest

from rocketmq_ref.tools.walkthrough_model import (capture, discover, location_problems,
                                                  recorded_tree, resolve_stops, shape_diff)

WALKTHROUGHS = discover()


def test_every_walkthrough_has_a_recording():
    missing = [w.record_command for w in WALKTHROUGHS if not w.trace_file.exists()]
    assert not missing, "record them with:\n  " + "\n  ".join(missing)


@pytest.mark.parametrize("w", WALKTHROUGHS, ids=lambda w: w.name)
def test_rerun_gives_the_recorded_span_tree(w, spans):
    recorded = recorded_tree(w)
    current = capture(w, spans.get_finished_spans)
    diff = shape_diff(recorded, current)
    # background rounds are outside the compared trace, but every declared stop must still occur
    resolve_stops(w, current.spans)
    assert not diff, (f"{w.name}: the span tree changed since traces/{w.name}.jsonl was recorded "
                      f"('-' recorded, '+' now):\n" + "\n".join(diff)
                      + f"\nIf the change is intended, re-record with `{w.record_command}` and "
                        f"check the page that shows it.")


@pytest.mark.parametrize("w", WALKTHROUGHS, ids=lambda w: w.name)
def test_recorded_code_locations_are_inside_their_functions(w):
    problems = location_problems(recorded_tree(w).spans)
    assert not problems, (f"{w.name}: code moved since the recording:\n  " + "\n  ".join(problems)
                          + f"\nRe-record with `{w.record_command}` (or `... run all`).")
