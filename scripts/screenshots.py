"""Make the README's screenshots: `python scripts/screenshots.py` writes screenshots/*.svg.

Each is the real app in a known state (a demo stepped to a chosen line), at 120x36.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"

# (file name, demo, steps to run, pane to show)
SHOTS = [
    ("pipes", "pipe", 15, "pipes"),
    ("queues", "producer-consumer", 22, "queues"),
    ("memory", "shared-memory", 12, "memory"),
    ("semaphores", "semaphores", 30, "semaphores"),
    ("sockets", "sockets", 18, "sockets"),
    ("signals", "signals", 18, "signals"),
    ("deadlock", "deadlock", 19, "memory"),
    ("reference", "tour", 0, "reference"),
    ("real-kernel", "pipe", 15, "real"),
]


async def shoot(name: str, demo: str, steps: int, pane: str, theme: str = "ipctui-night") -> None:
    from ipctui.app import PlaygroundApp

    app = PlaygroundApp(theme=theme)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.open_demo(demo)
        await pilot.pause()
        app.clear_notifications()
        for _ in range(steps):
            app.action_step()
        if pane == "real":  # checked on this machine's kernel: wait for the real run
            app.action_check_real()
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
        app.action_show_pane(pane)
        await pilot.pause()
        app.save_screenshot(filename=f"{name}.svg", path=str(OUT))
    print(f"screenshots/{name}.svg")


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    for shot in SHOTS:
        await shoot(*shot)
    await shoot("projector", "pipe", 15, "pipes", theme="ipctui-projector")


if __name__ == "__main__":
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    os.environ["IPCTUI_CONFIG_DIR"] = tempfile.mkdtemp()  # the user's remembered theme stays out
    sys.path.insert(0, str(ROOT))
    asyncio.run(main())
