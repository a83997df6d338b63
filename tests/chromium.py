"""A real headless Chromium, driven through the DevTools protocol, to test `ipctui serve`.

No browser-automation library: Chromium is started with `--remote-debugging-port=0`, and each tab
is a DevTools websocket (aiohttp, which textual-serve already brings). Keys are real key events
(`Input.dispatchKeyEvent`) that reach xterm.js as a user's would. The screen is read from xterm.js
itself (its buffer API), since textual-serve draws on a canvas: a script run before the page's
own catches the page's Terminal object when textual.js stores it (`this.terminal = ...`).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

NAMES = ("chromium", "chromium-browser", "google-chrome")

# Runs before textual.js: the first object that stores a `terminal` with a buffer gives it away.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
    if (value && value.buffer && value.options && !window.__ipctuiTerminal) {
      window.__ipctuiTerminal = value;
      delete Object.prototype.terminal;
    }
  },
});
"""

READ_SCREEN = """
(() => {
  const t = window.__ipctuiTerminal;
  if (!t) return null;
  const b = t.buffer.active, rows = [];
  for (let y = 0; y < t.rows; y++) {
    const line = b.getLine(b.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows;
})()
"""

# key name -> (key, code, Windows virtual key code, text)
KEYS: dict[str, tuple[str, str, int, str]] = {
    "space": (" ", "Space", 32, " "),
    "enter": ("Enter", "Enter", 13, "\r"),
    "escape": ("Escape", "Escape", 27, ""),
    "tab": ("Tab", "Tab", 9, ""),
    "backspace": ("Backspace", "Backspace", 8, ""),
}


def find_chromium() -> str | None:
    """The browser's path, or None when none is installed."""
    for name in NAMES:
        if path := shutil.which(name):
            return path
    return None


class BrowserError(RuntimeError):
    """The browser did not start, or did not answer."""


@dataclass
class Tab:
    """One page, through its own DevTools websocket."""

    ws: aiohttp.ClientWebSocketResponse
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    waiting: dict[int, asyncio.Future] = field(default_factory=dict)
    reader: asyncio.Task | None = None

    def start(self) -> None:
        self.reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            future = self.waiting.pop(data.get("id", -1), None)
            if future is not None and not future.done():
                future.set_result(data)
        for future in self.waiting.values():  # the page went away
            if not future.done():
                future.set_exception(BrowserError("the tab's DevTools connection closed"))

    async def send(self, method: str, timeout: float = 20, **params: Any) -> dict:
        """Call a DevTools method and wait for its result."""
        n = next(self.ids)
        future = asyncio.get_running_loop().create_future()
        self.waiting[n] = future
        await self.ws.send_json({"id": n, "method": method, "params": params})
        data = await asyncio.wait_for(future, timeout)
        if "error" in data:
            raise BrowserError(f"{method}: {data['error'].get('message')}")
        return data.get("result", {})

    async def open(self, url: str) -> None:
        await self.send("Page.enable")
        await self.send("Page.addScriptToEvaluateOnNewDocument", source=CATCH_TERMINAL)
        await self.send("Emulation.setFocusEmulationEnabled", enabled=True)
        await self.send("Page.navigate", url=url)

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression[:40]}...: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    async def screen(self) -> list[str]:
        """The terminal's rows as text ([] before the terminal is there)."""
        return await self.evaluate(READ_SCREEN) or []

    async def text(self) -> str:
        return "\n".join(await self.screen())

    async def wait_for(self, pattern: str, timeout: float = 30) -> str:
        """Wait until the screen matches the regular expression `pattern`; the screen's text."""
        deadline = time.monotonic() + timeout
        while True:
            text = await self.text()
            if re.search(pattern, text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} not on the screen after {timeout} s:\n{text}")
            await asyncio.sleep(0.1)

    async def wait_quiet(self, settle: float = 0.4, timeout: float = 10) -> str:
        """Wait until the screen stops changing for `settle` seconds; its text."""
        deadline = time.monotonic() + timeout
        last, since = await self.text(), time.monotonic()
        while time.monotonic() - since < settle and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            now = await self.text()
            if now != last:
                last, since = now, time.monotonic()
        return last

    async def focus(self) -> None:
        await self.evaluate("window.__ipctuiTerminal && window.__ipctuiTerminal.focus()")

    async def press(self, key: str) -> None:
        """A key as the user presses it: a name from KEYS, one printable character, or ctrl+LETTER."""
        modifiers = 0
        if key.startswith("ctrl+") and len(key) == 6:
            modifiers, key = 2, key[-1]
        if key in KEYS:
            name, code, vk, text = KEYS[key]
        elif len(key) == 1:
            name, text = key, key
            code = f"Key{key.upper()}" if key.isalpha() else ""
            vk = ord(key.upper()) if key.isalnum() else 0
        else:
            raise ValueError(f"unknown key {key!r}")
        if key.isupper():
            modifiers |= 8  # shift
        if modifiers & 2:
            text = ""  # a control key types nothing: xterm.js sends its control character
        down: dict[str, Any] = {"key": name, "code": code, "windowsVirtualKeyCode": vk}
        down["modifiers"] = modifiers
        await self.send("Input.dispatchKeyEvent", type="keyDown" if text else "rawKeyDown", text=text, **down)
        await self.send("Input.dispatchKeyEvent", type="keyUp", **down)

    async def download_to(self, folder: Path) -> None:
        """Files the page hands over as downloads land in `folder`."""
        await self.send("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(folder))

    async def screenshot(self, path: Path) -> None:
        data = await self.send("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(data["data"]))

    async def close(self) -> None:
        await self.ws.close()
        if self.reader is not None:
            with contextlib.suppress(Exception):
                await self.reader


class Chromium:
    """`async with Chromium() as browser: tab = await browser.tab(url)`."""

    def __init__(self, width: int = 1280, height: int = 800) -> None:
        self.width, self.height = width, height
        self.process: subprocess.Popen | None = None
        self.http: aiohttp.ClientSession | None = None
        self.endpoint = ""
        self.tabs: list[Tab] = []
        self.profile = tempfile.TemporaryDirectory(prefix="ipctui-chromium-")

    async def __aenter__(self) -> Chromium:
        path = find_chromium()
        if path is None:
            raise BrowserError(f"no browser found (looked for {', '.join(NAMES)})")
        args = [
            path,
            "--headless=new",
            "--no-sandbox",  # the tests run as root
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--remote-debugging-port=0",
            "--remote-allow-origins=*",
            f"--user-data-dir={self.profile.name}",
            f"--window-size={self.width},{self.height}",
            "about:blank",
        ]
        self.process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        try:
            self.endpoint = await asyncio.wait_for(asyncio.to_thread(self._devtools_address), 60)
        except (BrowserError, TimeoutError):
            await self.__aexit__()  # no browser left behind (the reading thread ends with it)
            raise
        self.http = aiohttp.ClientSession()
        return self

    def _devtools_address(self) -> str:
        """host:port of DevTools, from the line Chromium prints when it listens."""
        assert self.process is not None and self.process.stderr is not None
        seen = []
        for line in self.process.stderr:
            seen.append(line)
            if m := re.search(r"DevTools listening on ws://([^/]+)/", line):
                # Keep reading stderr so that a chatty browser never blocks on a full pipe.
                threading.Thread(target=self._drain, daemon=True).start()
                return m.group(1)
        raise BrowserError("chromium did not start:\n" + "".join(seen[-20:]))

    def _drain(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        for _ in self.process.stderr:
            pass

    async def tab(self, url: str) -> Tab:
        """A new tab showing `url`."""
        assert self.http is not None
        async with self.http.put(f"http://{self.endpoint}/json/new?about:blank") as response:
            target = await response.json(content_type=None)
        ws = await self.http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0)
        tab = Tab(ws)
        tab.start()
        self.tabs.append(tab)
        await tab.send(
            "Emulation.setDeviceMetricsOverride",
            width=self.width,
            height=self.height,
            deviceScaleFactor=1,
            mobile=False,
        )
        await tab.open(url)
        return tab

    async def __aexit__(self, *exc: object) -> None:
        for tab in self.tabs:
            with contextlib.suppress(Exception):
                await tab.close()
        if self.http is not None:
            await self.http.close()
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, 15)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()
        self.profile.cleanup()
