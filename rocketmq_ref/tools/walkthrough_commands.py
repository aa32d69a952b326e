"""Commands run the way a reader types them, for the ops walkthroughs (no Java twin; books A1.3,
A6.3.2, A8.4, B9.7): each runs as a process of this interpreter, and its real output is what the
page shows, with the scenario's temp directory shown as ``.``."""
from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence

PY = "python"  # as the reader types it; run with this interpreter


class CommandFailed(RuntimeError):
    """A command of a walkthrough exited non-zero; the message holds its output."""


def run_command(cmd: Sequence[str], cwd: str, env: Mapping[str, str], timeout: float = 60,
                check: bool = True) -> str:
    """Run one command and return ``$ command`` followed by its output (stdout, then stderr)."""
    proc = subprocess.run([sys.executable if c == PY else c for c in cmd], cwd=cwd, env=dict(env),
                          capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise CommandFailed(f"{' '.join(cmd)} failed ({proc.returncode}):\n"
                            f"{proc.stdout}{proc.stderr}")
    return f"$ {shlex.join(cmd)}\n{proc.stdout}{proc.stderr}".replace(cwd, ".")


def mqadmin(args: Sequence[str], cwd: str, env: Mapping[str, str], timeout: float = 60,
            check: bool = True) -> str:
    """``mqadmin ARGS`` (``python -m rocketmq_ref.tools.mqadmin``) through :func:`run_command`."""
    return run_command([PY, "-m", "rocketmq_ref.tools.mqadmin", *args], cwd, env, timeout, check)
