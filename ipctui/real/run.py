"""`ipctui run --real`: the script runner on the real kernel, with lines this machine cannot run
reported as such instead of being faked."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable

from ..script.format import json_line, text_line
from ..script.parser import Assertion, Narration, Statement
from ..script.runner import ExpectationFailed, Runner
from .kernel import BLOCK_TIMEOUT, CannotRun, RealKernel


def run_real(
    statements: list[Statement],
    write: Callable[[str], None],
    fmt: str = "text",
    block_timeout: float = BLOCK_TIMEOUT,
) -> RealKernel:
    """Run statements for real, writing the trace as it happens; raises as `run_script` does.
    Returns the (closed) kernel, whose `skipped` counts the lines that could not run here."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}
    for sig in previous:  # ended from outside: clean up as for ctrl+c
        signal.signal(sig, _interrupted)
    try:
        return _run(statements, write, fmt, block_timeout)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _run(
    statements: list[Statement], write: Callable[[str], None], fmt: str, block_timeout: float
) -> RealKernel:
    seq = 0
    with RealKernel(block_timeout=block_timeout) as kernel:
        runner = Runner(kernel)  # type: ignore[arg-type]

        def out(events: list, st: Statement) -> None:
            nonlocal seq
            for ev in events:
                seq += 1
                origin = st if ev.kind in ("call", "spawn") else ev.tag
                write(json_line(ev, seq, st.lineno, origin) if fmt == "json" else text_line(ev, origin))

        for st in statements:
            if isinstance(st, Narration):
                continue
            if isinstance(st, Assertion) and isinstance(st.proc, str) and st.proc in kernel._cannot:
                kernel.skipped += 1
                continue
            try:
                step = runner.step(st)
            except ExpectationFailed as e:
                out(e.events, st)
                raise
            except CannotRun as e:
                kernel.skipped += 1
                seq += 1
                text = getattr(st, "text", "")
                if fmt == "json":
                    rec = {
                        "seq": seq,
                        "line": st.lineno,
                        "kind": "cannot-run",
                        "reason": e.reason,
                        "text": text,
                    }
                    write(json.dumps(rec, ensure_ascii=False))
                else:
                    write(f"# cannot run here: {text} -- {e.reason}")
                continue
            out(step.events, st)
    return kernel
