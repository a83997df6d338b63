"""A script written with its results holds on both kernels: the simulation reproduces it, and
(as root, as CI runs) so does this machine's kernel through `run_real`, the helper the tests in
tests/real use, with no line skipped."""

from __future__ import annotations

import os
import textwrap

from helpers import check

from ipctui.check.run import run_real
from ipctui.script import parse


def holds(text: str) -> None:
    body = textwrap.dedent(text)
    check(body)
    if os.geteuid() != 0:
        return  # uid= and the namespaces of the real run need root
    out: list[str] = []
    kernel = run_real(parse(body, "spec.ipc").statements, out.append)
    assert kernel.skipped == 0, out
    assert out == [ln.strip() for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("#")]
