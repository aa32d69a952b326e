"""Recorded traces are committed: they must not carry this machine's paths."""
from __future__ import annotations

import json
import re
from pathlib import Path

from rocketmq_ref.common.tracing import span

ROOT = Path(__file__).resolve().parents[2]
MACHINE_PATH = re.compile(r"(?<![\w.])/(?:work|tmp|root|home|opt|usr|var)/")


def test_exception_stack_traces_name_project_files_relative_to_the_root(spans):
    try:
        with span("boom"):
            json.loads("{not json")
    except ValueError:
        pass
    (finished,) = spans.get_finished_spans()
    text = finished.events[0].attributes["exception.stacktrace"]
    assert 'File "tests/common/test_tracing_portable.py"' in text
    assert '"<python>/lib/python3' in text
    assert not MACHINE_PATH.search(text), text


def test_committed_recordings_carry_no_absolute_paths_of_this_machine():
    offenders = []
    for path in sorted((ROOT / "traces").glob("*.json*")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = MACHINE_PATH.search(line)
            if match:
                offenders.append(f"{path.name}:{number}: ...{line[max(0, match.start() - 60):match.end() + 40]}...")
    assert not offenders, ("recorded traces hold machine paths; re-record them with "
                           "`python -m rocketmq_ref.tools.walkthrough run all`:\n" + "\n".join(offenders[:10]))
