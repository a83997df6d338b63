"""`ipctui explore SCRIPT`: parse, explore, print; the exit status SPEC section 4 gives."""

from __future__ import annotations

from collections.abc import Callable

from ..script import ScriptError, parse
from .report import json_report, text_report
from .search import explore, programs_of

EXIT_OK, EXIT_FOUND, EXIT_SCRIPT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def explore_text(
    name: str,
    text: str,
    fmt: str,
    check: bool,
    max_schedules: int,
    write: Callable[[str], None],
    error: Callable[[str], None],
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Explore a script's text; writes the report (or the error) and returns the exit status.
    `progress(schedules, states)` is called now and then: a long search is not silent."""
    from ..engine import Kernel  # noqa: F401  (registers every call before parsing)

    seen = [0, 0]

    def tally(schedules: int, states: int) -> None:
        seen[:] = [schedules, states]
        if progress is not None:
            progress(schedules, states)

    try:
        result = explore(programs_of(parse(text, name), check), max_schedules, tally)
    except ScriptError as e:
        error(f"{name}:{e.lineno}: error: {e.message}")
        return EXIT_SCRIPT_ERROR
    except KeyboardInterrupt:
        error(
            f"{name}: interrupted after {seen[0]:,} schedules and {seen[1]:,} states, before the "
            f"end: no report (bound the search with --max-schedules, now {max_schedules:,})"
        )
        return EXIT_INTERRUPTED
    write(json_report(result) if fmt == "json" else text_report(result))
    return EXIT_OK if all(o.kind == "complete" for o in result.outcomes) else EXIT_FOUND


__all__ = ["explore_text"]
