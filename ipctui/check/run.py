"""`ipctui run --real`: the script runner on the real kernel, with lines this machine cannot run
reported as such instead of being faked."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

from ..engine import SYSCALLS
from ..real.kernel import BLOCK_TIMEOUT, CannotRun, RealKernel, RunBroken
from ..script import Assertion, Narration, Statement
from ..script.runner import ExpectationFailed, Runner, TraceOut

TIME_LIMIT = 60.0  # seconds for the whole run, by default


def run_real(
    statements: list[Statement],
    write: Callable[[str], None],
    fmt: str = "text",
    block_timeout: float = BLOCK_TIMEOUT,
    sandboxed: bool = True,
    time_limit: float = TIME_LIMIT,
) -> RealKernel:
    """Run statements for real, writing the trace as it happens; raises as `run_script` does,
    SandboxRefused when the namespaces cannot be made, RunBroken when the run cannot go on (a
    worker's malformed message, the time limit). Returns the (closed) kernel, whose `skipped`
    counts the lines that could not run here."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}
    for sig in previous:  # ended from outside: clean up as for ctrl+c
        signal.signal(sig, _interrupted)
    try:
        return _run(statements, write, fmt, block_timeout, sandboxed, time_limit)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


UNSANDBOXED = (
    "unsandboxed: this run is not in namespaces of its own; its processes can reach this machine "
    "(names and keys are moved, ports shifted, and only what it created is removed)"
)


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _run(
    statements: list[Statement],
    write: Callable[[str], None],
    fmt: str,
    block_timeout: float,
    sandboxed: bool,
    time_limit: float,
) -> RealKernel:
    deadline = time.monotonic() + time_limit
    with RealKernel(SYSCALLS, block_timeout=block_timeout, sandboxed=sandboxed) as kernel:
        runner = Runner(kernel)
        out = TraceOut(write, fmt)
        for st in statements:
            if isinstance(st, Narration):
                continue
            if time.monotonic() > deadline:  # every line ends within its own bound: checked between
                reason = f"the run's time limit of {time_limit:g} s"
                out.comment(
                    st, "cannot-run", f"cannot run here: {getattr(st, 'text', '')} -- {reason}", reason=reason
                )
                raise RunBroken(f"line {st.lineno}: {reason} was reached (--time-limit)")
            if isinstance(st, Assertion) and kernel.cannot_run(st.proc):
                kernel.skipped += 1  # it checks a line of a process that could not run
                continue
            try:
                step = runner.step(st)
            except ExpectationFailed as e:
                out.events(e.events, st)
                raise
            except CannotRun as e:
                kernel.skipped += 1
                text = getattr(st, "text", "")
                out.comment(st, "cannot-run", f"cannot run here: {text} -- {e.reason}", reason=e.reason)
                continue
            out.events(step.events, st)
    return kernel
