"""Page weight and speed for readers: each chapter page of the built site loaded cold in
Debian's Chromium over an emulated slow phone link (1.6 Mbit/s down, 150 ms round
trip), served with gzip as static hosts serve it.

Per page it reports the bytes the page loads (uncompressed, i.e. decoded bodies), the
bytes sent over the wire (gzip), the number of requests, first paint (the browser's
first-contentful-paint) and the load event, and checks them against the targets: a
chapter page <= 1.5 MB uncompressed and first paint <= 2.5 s. Every request must stay on
the local server (anything else is blocked and reported). Each page gets a fresh browser
context, so nothing comes from a cache.

Usage: python benchmarks/page_weight.py [--site _build/html] [--pages 04_worked_example ...] [--no-gzip]
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import io
import sys
import time
from pathlib import Path
from typing import ClassVar

from common import Result

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from offline_browser import launch, serve  # noqa: E402

MAX_BYTES = 1.5e6          # uncompressed bytes of a cold load of one chapter page
MAX_FIRST_PAINT = 2.5      # seconds, on the emulated link below
# Chromium's network emulation (CDP Network.emulateNetworkConditions): a slow phone link.
LINK = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 0.75e6 / 8}
IMAGE_KINDS = ("png", "jpg", "jpeg", "svg", "gif", "webp")
# What static hosts (GitHub Pages, Netlify, nginx's gzip_types) send compressed.
GZIP_TYPES = (".html", ".css", ".js", ".json", ".svg", ".txt", ".xml", ".map", ".inv", ".ttf")


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files; text assets gzip-compressed (level 6, as nginx and most hosts use)
    when the browser accepts it."""

    cache: ClassVar[dict[Path, bytes]] = {}
    compress = True

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if (self.compress and path.is_file() and path.suffix in GZIP_TYPES
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            body = self.cache.get(path)
            if body is None:
                body = self.cache[path] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()


def serve_gzip(directory: Path, compress: bool = True):
    """Serve ``directory`` on 127.0.0.1 (a free port), with gzip unless ``compress`` is
    false; a context manager yielding the base URL."""
    return serve(directory, type("Handler", (_GzipHandler,), {"compress": compress, "cache": {}}))


def measure_page(browser, url: str, base: str) -> dict:
    """Load ``url`` cold over the emulated link; bytes, requests and timings."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    blocked: list[str] = []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith((base, "data:"))
               else (blocked.append(route.request.url), route.abort()))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", LINK)
    requests: dict[str, dict] = {}

    def sent(event):
        # The browser's own /favicon.ico probe (the book has no icon) is not part of the page.
        if not event["request"]["url"].startswith("data:") and not event["request"]["url"].endswith("/favicon.ico"):
            requests.setdefault(event["requestId"], {"url": event["request"]["url"], "decoded": 0, "wire": 0})

    def data(event):
        if event["requestId"] in requests:
            requests[event["requestId"]]["decoded"] += event["dataLength"]

    def finished(event):
        if event["requestId"] in requests:
            requests[event["requestId"]].update(wire=event["encodedDataLength"], done=True)

    def failed(event):
        if event["requestId"] in requests:
            requests[event["requestId"]].update(done=True, failed=event.get("errorText", "failed"))

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.dataReceived", data)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.loadingFailed", failed)
    page.goto(url, wait_until="load", timeout=180_000)
    # After the load event, wait until nothing has been in flight for a second (fonts
    # and images a script asks for late); give up on stragglers after a minute.
    quiet, deadline = 0, time.monotonic() + 60
    while quiet < 4 and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        pending = [r for r in requests.values() if "done" not in r]
        quiet = 0 if pending else quiet + 1
    timings = page.evaluate("""() => {
        const paint = Object.fromEntries(performance.getEntriesByType('paint').map(e => [e.name, e.startTime]));
        const nav = performance.getEntriesByType('navigation')[0];
        return {first_paint: paint['first-contentful-paint'] ?? paint['first-paint'] ?? null,
                load: nav.loadEventStart};
    }""")
    context.close()
    by_kind: dict[str, int] = {}
    for request in requests.values():
        name = request["url"].split("?")[0].rsplit("/", 1)[-1]
        kind = name.rsplit(".", 1)[-1] if "." in name else "html"
        by_kind[kind] = by_kind.get(kind, 0) + request["decoded"]
    return {"bytes": sum(r["decoded"] for r in requests.values()),
            "wire": sum(r["wire"] for r in requests.values()),
            "requests": len(requests),
            "first_paint": timings["first_paint"] / 1000, "load": timings["load"] / 1000,
            "blocked": blocked, "by_kind": by_kind,
            "failed": [f"{r['url']} ({r['failed']})" for r in requests.values() if r.get("failed")],
            "largest": sorted(((r["decoded"], r["url"].rsplit("/", 1)[-1]) for r in requests.values()),
                              reverse=True)[:3]}


def measure_site(site: Path, pages: list[str], compress: bool = True, repeats: int = 2) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    results = {}
    with serve_gzip(site, compress) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        for name in pages:
            # Timings: best of `repeats` cold loads (the machine is shared); bytes are the same every time.
            runs = [measure_page(browser, f"{base}chapters/{name}.html", base) for _ in range(repeats)]
            r = results[name] = {**runs[0], "first_paint": min(run["first_paint"] for run in runs),
                                 "load": min(run["load"] for run in runs),
                                 "failed": sorted({f for run in runs for f in run["failed"]})}
            print(f"{name:22s} {r['bytes'] / 1e6:6.2f} MB {r['wire'] / 1e6:6.2f} MB {r['requests']:5d} "
                  f"{r['first_paint']:7.2f} s {r['load']:7.2f} s   "
                  + ", ".join(f"{kind} {size / 1e3:.0f} kB" for kind, size in
                              sorted(r["by_kind"].items(), key=lambda item: -item[1])[:5]),
                  flush=True)
            if r["blocked"]:
                print(f"  blocked requests outside the site: {r['blocked']}", flush=True)
            if r["failed"]:
                print(f"  failed requests: {r['failed']}", flush=True)
        browser.close()
    return results


# The per-page table that run_all.py adds to RESULTS.md (set by main).
SECTION = ""


def section(results: dict[str, dict]) -> str:
    lines = ["## Page weight and first paint, per page",
             "",
             f"`benchmarks/page_weight.py`: each page of `_build/html/chapters/` loaded cold in Chromium over an "
             f"emulated {LINK['downloadThroughput'] * 8 / 1e6:.1f} Mbit/s, {LINK['latency']} ms link, served with "
             f"gzip. Targets: ≤ {MAX_BYTES / 1e6} MB uncompressed, first paint ≤ {MAX_FIRST_PAINT} s.",
             "",
             "| page | bytes (uncompressed) | transferred (gzip) | requests | first paint | load | images |",
             "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        images = sum(size for kind, size in r["by_kind"].items() if kind in IMAGE_KINDS)
        lines.append(f"| {name} | {r['bytes'] / 1e6:.2f} MB{'' if r['bytes'] <= MAX_BYTES else ' **over**'} | "
                     f"{r['wire'] / 1e6:.2f} MB | {r['requests']} | {r['first_paint']:.2f} s"
                     f"{'' if r['first_paint'] <= MAX_FIRST_PAINT else ' **over**'} | {r['load']:.1f} s | "
                     f"{images / 1e3:.0f} kB |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html", help="a built HTML site")
    parser.add_argument("--pages", nargs="*", help="page names in chapters/ (default: every page)")
    parser.add_argument("--repeats", type=int, default=2, help="cold loads per page (timings: the best)")
    parser.add_argument("--no-gzip", action="store_true", help="serve uncompressed (python -m http.server)")
    args, _ = parser.parse_known_args(argv)  # run_all.py passes its own options through
    if not (args.site / "chapters").is_dir():
        raise SystemExit(f"no built site at {args.site}: run `make book` first")
    pages = args.pages or sorted(path.stem for path in (args.site / "chapters").glob("*.html"))
    print(f"cold loads over {LINK['downloadThroughput'] * 8 / 1e6:.1f} Mbit/s, {LINK['latency']} ms, "
          f"{'no compression' if args.no_gzip else 'gzip'}")
    print(f"{'page':22s} {'bytes':>9s} {'gzipped':>9s} {'reqs':>5s} {'1st paint':>9s} {'load':>9s}   "
          "largest kinds (uncompressed)")
    results = measure_site(args.site, pages, compress=not args.no_gzip, repeats=args.repeats)
    heaviest = max(results, key=lambda name: results[name]["bytes"])
    slowest = max(results, key=lambda name: results[name]["first_paint"])
    blocked = sum(len(r["blocked"]) + len(r["failed"]) for r in results.values())
    heavy = [name for name, r in results.items() if r["bytes"] > MAX_BYTES]
    slow = [name for name, r in results.items() if r["first_paint"] > MAX_FIRST_PAINT]
    print(f"heaviest page: {heaviest} ({results[heaviest]['bytes'] / 1e6:.2f} MB); over {MAX_BYTES / 1e6} MB: "
          f"{', '.join(heavy) or 'none'}")
    print(f"slowest first paint: {slowest} ({results[slowest]['first_paint']:.2f} s); over {MAX_FIRST_PAINT} s: "
          f"{', '.join(slow) or 'none'}; requests blocked (outside the site) or failed: {blocked}")
    global SECTION
    SECTION = section(results)
    r_bytes, r_paint = results[heaviest], results[slowest]
    worst_load = max(r["load"] for r in results.values())
    return [
        Result(f"chapter page, cold load, uncompressed bytes (heaviest of {len(results)} pages)",
               f"{r_bytes['bytes'] / 1e6:.2f} MB ({heaviest}; {len(heavy)} pages over)"
               f"{'; ' + str(blocked) + ' requests blocked or failed' if blocked else ''}",
               f"≤ {MAX_BYTES / 1e6} MB, nothing from outside, nothing failed", not heavy and not blocked),
        Result("chapter page, first paint at 1.6 Mbit/s, 150 ms, gzip (slowest page)",
               f"{r_paint['first_paint']:.2f} s ({slowest}); load event {worst_load:.1f} s at worst",
               f"≤ {MAX_FIRST_PAINT} s", not slow),
    ]


if __name__ == "__main__":
    main()
