"""The help screen: the keys, and each mechanism with its calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from ...engine import SYSCALLS
from ...vocab.mechanisms import MECHANISMS
from .base import Dialog

KEYS = """\
# ipctui help

`↑` `↓` `PgUp` `PgDn` scroll · `escape` closes.

Every action is a line of the script language: the forms and keys below only build lines, and
the console runs lines you type. The trace shows each call with its result, like `strace`.

| key | what it does |
|---|---|
| `space` | run the loaded script's next line |
| `p` | play or pause the script · `+` / `-` faster or slower |
| `u` or `ctrl+z` | undo the last line · `U` or `ctrl+y` redo |
| `d` | open a narrated demo |
| `g` | jump to a step |
| `:` or `i` | type a line in the console (`tab` or `→` completes, `↑` `↓` history, `escape` leaves) |
| `n` | spawn a new process |
| `c` | make any call (pick it, then fill in its form) |
| `f` `k` `w` `r` `x` | fork, kill, write, read, close, prefilled from the selected process |
| `↑` `↓` in the processes | select the process for `f` `k` `w` `r` `x` (`tab` reaches it; or click) |
| `v` | pick a pane (or Explore) by typing part of its name or a call: `sysv`, `mq_send` |
| `1` … `7` | show a pane: pipes, queues, memory, semaphores, sockets, signals, reference |
| `8` `9` `0` | the real kernel, bench and compare panes (more panes than digits: `v` reaches them all) |
| `tab` | the next part of the screen; on the pane titles `←` `→` change pane |
| `K` | check the session on the real kernel: the same lines run by real processes, side by side |
| `B` | measure this machine's real IPC (the Bench pane; Compare puts the mechanisms side by side) |
| `E` | explore every schedule of the script: deadlocks, lost wake-ups, races (Enter opens one) |
| `ctrl+o` / `ctrl+s` | open a script / save the session as a script that `ipctui run` replays |
| `ctrl+p` | the command palette: every action, pane, demo and theme ("Quiz me" starts a quiz) |
| `?` | this help · `escape` closes it |
| `ctrl+q` | quit |

## Quiz: predict, then see

Start it with "Quiz me" in the palette (`ctrl+p`), or from a shell with `ipctui demo NAME --quiz`.
Then step with `space`: before each line whose result the script writes, the line shows without its
result and you predict it. Type a value (`5`, `"hi"`, `[3, 4]`), an errno (`EAGAIN`) or `blocks`,
and `Enter`; `Escape` leaves the step untaken. A line that wakes a sleeper is asked first, then each
woken call's resumed line, one step at a time, as the trace shows them. The title keeps the score;
at the end a summary lists the lines to review.

"""


def calls_by_mechanism() -> str:
    groups: dict[str, list[str]] = {}
    for spec in SYSCALLS.values():
        groups.setdefault(spec.mechanism, []).append(f"`{spec.usage()}` {spec.summary}")
    out = ["# The calls\n"]
    for mech in MECHANISMS:
        out.append(f"## {mech.title}\n")
        out += [f"- {line}" for line in groups.get(mech.name, [])]
        out.append("")
    return "\n".join(out)


# a row of the keys' table that names what a session may not offer (served.py), by the action
ROWS_OF = {"check_real": "| `K` |", "bench": "| `B` |", "open": "| `ctrl+o` / `ctrl+s` |"}
DOWNLOAD = "| `ctrl+s` | download the session as a script that `ipctui run` replays |"


def keys_text(offers: Callable[[str], bool] = lambda action: True) -> str:
    """The help's keys, without those of actions this session does not offer (a served one)."""
    lines = []
    for line in KEYS.splitlines():
        action = next((a for a, row in ROWS_OF.items() if line.startswith(row)), None)
        if action is None or offers(action):
            lines.append(line)
        elif action == "open":
            lines.append(DOWNLOAD)  # saving still works: to the browser
    return "\n".join(lines) + "\n"


class HelpScreen(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "close", "close")]

    def __init__(self, offers: Callable[[str], bool] = lambda action: True) -> None:
        super().__init__()
        self.offers = offers  # what this session offers (a served one: not the bench, ...)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Markdown(keys_text(self.offers) + calls_by_mechanism())

    def action_close(self) -> None:
        self.finish(None)
