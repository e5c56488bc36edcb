"""Fault points for the crash tests (tests/test_faults.py). With LTC_FAULT_PAUSE=<name> in the
environment, the first process to reach that point (the LTC_FAULT_AFTER-th time, default the
first) writes its pid to the file LTC_FAULT_MARKER and sleeps there, inside the caller's
transaction, so that the test can kill it (SIGKILL) half-way. Without the variable a point
does nothing."""

from __future__ import annotations

import os
import time
from collections import Counter

_hits: Counter[str] = Counter()


def fault_point(name: str) -> None:
    if os.environ.get("LTC_FAULT_PAUSE") != name:
        return
    _hits[name] += 1
    if _hits[name] != int(os.environ.get("LTC_FAULT_AFTER", "1")):
        return
    try:  # one process pauses, once: the marker is created exclusively
        fd = os.open(os.environ["LTC_FAULT_MARKER"], os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    time.sleep(float(os.environ.get("LTC_FAULT_SECONDS", "120")))
