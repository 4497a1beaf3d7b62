"""Time until a vis-network page is drawn in headless Chromium.

The page is copied with a small script put first in ``<head>``: it lets the page's own
copy of vis-network define itself as usual, wraps ``vis.Network`` so that every network
the page makes reports, on the console, the first ``afterDrawing`` once physics has
stabilized (or at once when the page turned stabilization off), and Chromium prints the
console to stderr (``--enable-logging=stderr``). The time reported is the page's own
``performance.now()`` at that moment: from the start of navigation until the network is
on screen, browser start-up excluded. The same hook serves our pages and pyvis's.
"""

from __future__ import annotations

import os
import re
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["HOOK", "MARKER", "chromium", "time_until_drawn"]

MARKER = "GONGJIAN_BENCH_DRAWN"

HOOK = """<script>(function () {
  function wrap(N) {
    if (typeof N !== "function" || N.__benchHooked) return N;
    function Hooked() {
      var n = new (Function.prototype.bind.apply(N, [null].concat([].slice.call(arguments))))();
      var o = n.physics && n.physics.options, waits = !!(o && o.enabled !== false &&
          o.stabilization && o.stabilization.enabled !== false), stable = !waits;
      n.once("stabilizationIterationsDone", function () { stable = true; });
      n.on("afterDrawing", function f() {
        if (!stable && !(n.physics && n.physics.stabilized)) return;
        n.off("afterDrawing", f);
        console.log("__MARKER__ " + performance.now());
      });
      return n;
    }
    Hooked.prototype = N.prototype; Hooked.__benchHooked = true;
    return Hooked;
  }
  window.vis = new Proxy(window.vis || {}, {
    set: function (o, k, v) { o[k] = k === "Network" ? wrap(v) : v; return true; },
    defineProperty: function (o, k, d) {
      if (k === "Network" && "value" in d) d = Object.assign({}, d, {value: wrap(d.value)});
      if (k === "Network" && d.get) {
        var g = d.get;
        d = Object.assign({}, d, {get: function () { return wrap(g()); }});
      }
      return Reflect.defineProperty(o, k, d);
    }
  });
})();</script>""".replace("__MARKER__", MARKER)


def chromium() -> str | None:
    """The Chromium executable, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _hooked_copy(page: Path, folder: Path) -> Path:
    html = page.read_text(encoding="utf-8")
    match = re.search(r"<head[^>]*>", html, flags=re.IGNORECASE)
    at = match.end() if match else 0
    out = folder / page.name
    out.write_text(html[:at] + HOOK + html[at:], encoding="utf-8")
    return out


def time_until_drawn(page: Path, *, timeout: float = 120.0) -> float:
    """Milliseconds from navigation start until ``page``'s network is drawn.

    Raises ``TimeoutError`` when nothing is drawn within ``timeout`` seconds.

    Examples
    --------
    >>> time_until_drawn(Path("page.html"))  # doctest: +SKIP
    812.4
    """
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium not found")
    with tempfile.TemporaryDirectory(prefix="gongjian-bench-browser-") as tmp:
        hooked = _hooked_copy(Path(page), Path(tmp))
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--enable-logging=stderr", "--v=0", "--window-size=1600,1000",
               # offline: requests for other hosts fail at once instead of hanging
               "--host-resolver-rules=MAP * ~NOTFOUND",
               f"--user-data-dir={tmp}/profile", hooked.as_uri()]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            return _wait_for_marker(proc, timeout)
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wait_for_marker(proc: subprocess.Popen, timeout: float) -> float:
    sel = selectors.DefaultSelector()
    sel.register(proc.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    buffer = b""
    while time.monotonic() < deadline:
        if not sel.select(timeout=0.5):
            if proc.poll() is not None:
                break
            continue
        chunk = os.read(proc.stderr.fileno(), 65536)
        if not chunk:
            break
        buffer += chunk
        found = re.search(rb'"' + MARKER.encode() + rb" ([0-9.]+)\"", buffer)
        if found:
            return float(found.group(1))
        buffer = buffer[-4096:]
    raise TimeoutError(f"> {timeout:.0f} s (not drawn)")
