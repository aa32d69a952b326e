"""The ops walkthroughs' command runner: the page shows the command as typed and its real output,
with the scenario's temp directory shown as ``.``; a failing command stops the scenario with its
output, unless the scenario asked to show the failure."""
from __future__ import annotations

import os

import pytest

from rocketmq_ref.tools.walkthrough_commands import PY, CommandFailed, mqadmin, run_command


def test_output_follows_the_command_as_typed_with_the_temp_dir_shown_as_dot(tmp_path):
    out = run_command([PY, "-c", "import os; print('in', os.getcwd())"], str(tmp_path), os.environ)
    assert out == f"$ python -c 'import os; print('\"'\"'in'\"'\"', os.getcwd())'\nin .\n"


def test_a_failing_command_raises_with_its_output(tmp_path):
    with pytest.raises(CommandFailed) as e:
        run_command([PY, "-c", "import sys; print('partial'); sys.exit('broken')"], str(tmp_path),
                    os.environ)
    assert "failed (1)" in str(e.value) and "partial" in str(e.value) and "broken" in str(e.value)


def test_a_failure_the_page_shows_is_returned_with_stderr(tmp_path):
    out = mqadmin(["noSuchCommand"], str(tmp_path), os.environ, check=False)
    assert out.startswith("$ python -m rocketmq_ref.tools.mqadmin noSuchCommand\n")
    assert "noSuchCommand" in out.split("\n", 1)[1]
