"""A pane whose work runs as another ipctui process (a real run, a benchmark): leaving the app
mid-run tells that process as ctrl+c would, and it cleans up after itself."""

from __future__ import annotations

import contextlib
import signal
import subprocess


class RunsInBackground:
    _proc: subprocess.Popen[str] | None = None

    def on_unmount(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=10)
