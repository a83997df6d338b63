"""What a session served to web browsers (`ipctui serve`) may do on the server.

A served session runs on the server, for whoever opened the page. Everything simulated is
harmless; three things are not, so they are decided here, in one place:

- the real-kernel check and the bench start real processes on the server: off unless the server
  was started with `--allow-real`;
- opening a script would read any file the server's user can read: refused (the demos, the
  console and the forms are there instead);
- saving would write any file the server's user can write: the script is handed to the browser
  as a download instead, so nothing is written on the server (nor the theme remembered there,
  which would change every other visitor's default).
"""

from __future__ import annotations

from dataclasses import dataclass

REAL_OFF = (
    "is off in a browser session: it would run real processes on the server. "
    "Start the server with `ipctui serve --allow-real` to allow it."
)
OPEN_OFF = (
    "Opening a file is off in a browser session: it would read files on the server. "
    "Open a demo (d), or type the lines in the console (:)."
)


REAL_ACTIONS = frozenset({"bench", "check_real"})  # the app's actions that start real processes
OPEN_ACTIONS = frozenset({"open"})  # the app's actions that read a file on this machine


@dataclass(frozen=True)
class Limits:
    """What a session may do: `Limits()` in a terminal (anything); `Limits(browser=True,
    allow_real=False)` in a browser tab of `ipctui serve`."""

    browser: bool = False  # the session is a browser tab of `ipctui serve`
    allow_real: bool = True  # real processes may run (the check on the real kernel, the bench)

    def refuse_real(self, what: str) -> str | None:
        """Why `what` (the bench, the real-kernel check) may not run here, or None when it may."""
        return None if self.allow_real else f"{what} {REAL_OFF}"

    def offers(self, action: str) -> bool:
        """Whether the app's `action` (a key binding's, a palette command's) is offered at all:
        what a session may not do is neither bound to a key nor listed in the palette."""
        if action in REAL_ACTIONS:
            return self.allow_real
        if action in OPEN_ACTIONS:
            return not self.browser
        return True

    def refuse_open(self) -> str | None:
        """Why a script file may not be opened here, or None when it may."""
        return OPEN_OFF if self.browser else None

    @property
    def saves_to_browser(self) -> bool:
        """Save hands the script to the browser as a download instead of writing a file."""
        return self.browser
