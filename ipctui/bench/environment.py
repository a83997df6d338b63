"""What the machine is, and the limits that decide what can be measured on it."""

from __future__ import annotations

import fcntl
import os
import platform
from pathlib import Path
from typing import Any

F_GETPIPE_SZ = 1032


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def _int(path: str) -> int | None:
    text = _read(path)
    return int(text) if text and text.lstrip("-").isdigit() else None


def cpu_model() -> str:
    for line in (_read("/proc/cpuinfo") or "").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def default_pipe_size() -> int | None:
    r, w = os.pipe()
    try:
        return fcntl.fcntl(w, F_GETPIPE_SZ)
    except OSError:
        return None
    finally:
        os.close(r)
        os.close(w)


def environment() -> dict[str, Any]:
    return {
        "cpu_model": cpu_model(),
        "cpus_online": os.cpu_count(),
        "cpus_usable": sorted(os.sched_getaffinity(0)),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "limits": {
            "pipe_size_default": default_pipe_size(),
            "pipe_max_size": _int("/proc/sys/fs/pipe-max-size"),
            "mq_msg_max": _int("/proc/sys/fs/mqueue/msg_max"),
            "mq_msgsize_max": _int("/proc/sys/fs/mqueue/msgsize_max"),
            "msgmnb": _int("/proc/sys/kernel/msgmnb"),
            "socket_rmem_default": _int("/proc/sys/net/core/rmem_default"),
            "socket_wmem_default": _int("/proc/sys/net/core/wmem_default"),
            "unix_max_dgram_qlen": _int("/proc/sys/net/unix/max_dgram_qlen"),
        },
    }


def current_cpu() -> int | None:
    """The CPU this process last ran on (field 39 of /proc/self/stat)."""
    stat = _read("/proc/self/stat")
    if not stat:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[36]) if len(fields) > 36 else None
