"""The HTML report in a real headless browser: no console error, every figure decodes, no network.

The test saves a full-page screenshot under its tmp_path and prints where.

Chromium is driven through the DevTools protocol over ``--remote-debugging-pipe`` (JSON messages ended by
a NUL byte; the browser reads commands on fd 3 and writes replies and events on fd 4), so the test needs
nothing beyond the standard library. Skipped when chromium is absent, except under ``CI=true``, where
``.ci/run`` installs it and the test must run.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

WIDTH = 1280
TIMEOUT_S = 60.0
MAX_SHOT_HEIGHT = 16_000  # px: a taller capture is refused by some builds
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    f"--window-size={WIDTH},900",
    "--remote-debugging-pipe",
]
IMAGES_JS = (
    "Array.from(document.images).map(i => ({alt: i.alt, complete: i.complete, width: i.naturalWidth}))"
)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The browser's path; asked for before the report is built, so a skip costs nothing."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(
            "CI=true but chromium is not installed; .ci/run installs it with apt-get install chromium"
        )
    pytest.skip("chromium is not installed (apt-get install chromium); under CI=true this test must run")


class _DevTools:
    """A minimal DevTools-protocol client over the browser's debugging pipe."""

    def __init__(self, browser: str, profile: Path, log: Path) -> None:
        command_read, self._commands = os.pipe()
        self._replies, reply_write = os.pipe()

        def child_fds() -> None:
            # move both ends above 4 first, so that neither dup2 below overwrites the other
            high_read = fcntl.fcntl(command_read, fcntl.F_DUPFD, 10)
            high_write = fcntl.fcntl(reply_write, fcntl.F_DUPFD, 10)
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        with log.open("wb") as stderr:
            self.process = subprocess.Popen(
                [browser, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                preexec_fn=child_fds,
                pass_fds=(3, 4),
            )
        os.close(command_read)
        os.close(reply_write)
        self.events: list[dict[str, Any]] = []
        self._buffer = b""
        self._last_id = 0
        self._deadline = time.monotonic() + TIMEOUT_S

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self._last_id += 1
        message: dict[str, Any] = {"id": self._last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._last_id:
                if "error" in reply:
                    raise RuntimeError(f"{method} failed: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str) -> dict[str, Any]:
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._receive()
            self.events.append(event)
            if event.get("method") == method:
                return event

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            remaining = self._deadline - time.monotonic()
            ready, _, _ = select.select([self._replies], [], [], max(0.0, remaining))
            if not ready:
                raise TimeoutError(f"chromium did not answer within {TIMEOUT_S:.0f} s")
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                raise ConnectionError("chromium closed its debugging pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self) -> None:
        try:
            self.call("Browser.close")
            self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            os.close(self._commands)
            os.close(self._replies)


def _console_errors(events: list[dict[str, Any]]) -> list[str]:
    errors = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            errors.append(json.dumps(params.get("exceptionDetails", {}))[:300])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(json.dumps(params.get("args", []))[:300])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            errors.append(params["entry"].get("text", "")[:300])
    return errors


def _open_report(browser: str, page: Path, tmp_path: Path) -> dict[str, Any]:
    """Load the page; return its images, console errors, requested URLs and a full-page PNG."""
    tools = _DevTools(browser, tmp_path / "profile", tmp_path / "chromium.log")
    try:
        target = tools.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = tools.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            tools.call(f"{domain}.enable", session=session)
        tools.call("Page.navigate", {"url": page.as_uri()}, session)
        tools.wait_for("Page.loadEventFired")
        images = tools.call("Runtime.evaluate", {"expression": IMAGES_JS, "returnByValue": True}, session)
        height = tools.call("Page.getLayoutMetrics", session=session)["cssContentSize"]["height"]
        clip = {"x": 0, "y": 0, "width": WIDTH, "height": min(height, MAX_SHOT_HEIGHT), "scale": 1}
        shot = tools.call(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}, session
        )
    finally:
        tools.close()
    requests = [
        e["params"]["request"]["url"] for e in tools.events if e.get("method") == "Network.requestWillBeSent"
    ]
    return {
        "images": images["result"]["value"],
        "errors": _console_errors(tools.events),
        "requests": requests,
        "png": shot["data"],
    }


def test_report_renders_in_headless_chromium(chromium, mixed_report, tmp_path):
    page = mixed_report.to_html(tmp_path / "report.html")
    seen = _open_report(chromium, page, tmp_path)

    assert seen["errors"] == []
    assert len(seen["images"]) >= len(mixed_report.metadata.columns) + 5
    broken = [image["alt"] for image in seen["images"] if not image["complete"] or image["width"] <= 0]
    assert broken == []
    assert all(url.startswith(("file:", "data:")) for url in seen["requests"]), seen["requests"]

    screenshot = tmp_path / "report.png"
    screenshot.write_bytes(base64.b64decode(seen["png"]))
    print(f"report screenshot: {screenshot}")
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 50_000
