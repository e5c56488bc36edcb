"""CPU time of a local process from /proc (Linux), for the benches' load-independent figures:
other load on the machine inflates a request's wall-clock time far more than its CPU."""

from __future__ import annotations

import os
from pathlib import Path


def cpu_ms(pid: int) -> float | None:
    """user + system CPU of process `pid` so far, in ms; None where /proc cannot say."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """The child processes of `pid` (gunicorn's workers of its master); [] where unknown."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
