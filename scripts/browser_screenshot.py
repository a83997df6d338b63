"""Make the README's picture of the playground in a browser: `python scripts/browser_screenshot.py`
writes screenshots/browser.png.

It starts `ipctui serve --demo pipe`, opens it in a headless Chromium at 1280x800 (tests/chromium.py),
steps the demo with the space key as a user would, and captures the page. On the way it prints
how long the page took to show the playground and how long a step takes from key to screen.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from chromium import Chromium, Tab  # noqa: E402
from test_browser import start_server, stop  # noqa: E402

OUT = ROOT / "screenshots" / "browser.png"
DEMO, STEPS = "pipe", 15  # the same state as screenshots/pipes.svg


async def key_to_screen(tab: Tab, key: str, timeout: float = 5) -> float:
    """Seconds from a key press until the screen changes."""
    before = await tab.text()
    start = time.perf_counter()
    await tab.press(key)
    while await tab.text() == before:
        if time.perf_counter() - start > timeout:
            raise TimeoutError(f"{key} did not change the screen")
        await asyncio.sleep(0.002)
    return time.perf_counter() - start


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server, url = start_server(Path(tmp), "--demo", DEMO)
        try:
            async with Chromium(width=1280, height=800) as browser:
                start = time.perf_counter()
                tab = await browser.tab(url)
                await tab.wait_for("─ trace ─", timeout=60)
                shown = time.perf_counter() - start
                await tab.wait_for("space step")  # the page has the keys, without a click
                times = [await key_to_screen(tab, "space") for _ in range(STEPS)]
                await tab.wait_quiet(settle=1.0)
                await tab.screenshot(OUT)
                rows = len(await tab.screen())
        finally:
            stop(server)
    print(f"wrote {OUT.relative_to(ROOT)} ({rows} rows at 1280x800)")
    print(f"page to playground: {shown:.2f} s")
    print(
        f"a step, key to screen, over {len(times)} steps: median {statistics.median(times) * 1000:.0f} ms,"
        f" slowest {max(times) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
