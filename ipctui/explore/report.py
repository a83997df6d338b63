"""Printing an exploration: a summary, then each outcome with one schedule's trace."""

from __future__ import annotations

import json

from .search import ExploreResult, OutcomeGroup


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def summary(result: ExploreResult) -> str:
    kinds = {k: sum(1 for o in result.outcomes if o.kind == k) for k in ("deadlock", "failed", "complete")}
    nouns = {"deadlock": "deadlock", "failed": "failure", "complete": "complete"}
    parts = [_plural(n, nouns[k]) for k, n in kinds.items() if n]
    how = "every schedule" if result.exhaustive else "stopped at --max-schedules, not every schedule"
    return (
        f"{_plural(result.schedules, 'schedule')} explored ({how}), "
        f"{_plural(result.states, 'state')}: {_plural(len(result.outcomes), 'outcome')}"
        + (f" ({', '.join(parts)})" if parts else "")
    )


def outcome_text(n: int, o: OutcomeGroup) -> list[str]:
    lines = [f"# outcome {n}: {o.kind}, {_plural(o.schedules, 'schedule')}"]
    if o.kind == "deadlock":
        for b in o.blocked:
            who = ", ".join(b["waits_for"]) or "nobody"
            lines.append(f"#   {b['call']}  waits for {who}")
        if o.cycle:
            lines.append("#   cycle: " + " -> ".join([*o.cycle, o.cycle[0]]))
        else:
            lines.append("#   no cycle: nobody left can wake them")
    if o.failure is not None:
        f = o.failure
        lines.append(f"#   line {f['line']}: expected {f['expected']}, got {f['got']}")
    lines.extend(o.trace)
    return lines


def text_report(result: ExploreResult) -> str:
    out = [f"# {summary(result)}"]
    for n, o in enumerate(result.outcomes, 1):
        out.append("")
        out.extend(outcome_text(n, o))
    return "\n".join(out) + "\n"


def json_report(result: ExploreResult) -> str:
    return json.dumps(result.as_json(), ensure_ascii=False, indent=1) + "\n"


__all__ = ["json_report", "outcome_text", "summary", "text_report"]
