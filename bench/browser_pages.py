"""Page weight and load times in the test browser (Debian's Chromium under Playwright).

`.venv/bin/python -m bench.browser_pages` prints:
- the customer's pages (the sign's form, the status page): bytes transferred per
  resource, raw and gzip-compressed (level 6, what a compressing proxy would send);
- the associate app's queue page load (navigation timing, median of --runs): cold (no
  HTTP cache, no service worker), warm from the HTTP cache only (service worker
  blocked), and warm under the service worker (shell from its cache);
- the size of the service worker's cached shell;
- the customer's price check on a mid-range phone profile (Chromium's CPU throttling
  ×4 and Lighthouse's mobile network: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s
  up): the check page's bytes, and from the tap on "Check" with a tag's code typed to
  the product on screen (median of --runs).

A measurement, not a test: it asserts nothing. The server is the tests' threaded
werkzeug LiveServer on a temporary SQLite file, so the times are for comparison
between runs on one machine, not production figures.
"""

import argparse
import gzip
import json
import re
import statistics
import tempfile
from pathlib import Path

from sqlalchemy import select

from floorapp.demo import seed as demo
from floorapp.extensions import db
from floorapp.models import Sign, Store, Zone
from tests.browser.conftest import CHROMIUM_FLAGS, PHONE, LiveServer, chromium_executable

PASSWORD = "bench-pages-pw"
QUEUE = "/stores/NYC-5TH/floor"
TIMING = """() => { const t = performance.getEntriesByType("navigation")[0];
  return {ttfb: t.responseStart, dom: t.domContentLoadedEventEnd, load: t.loadEventEnd}; }"""
SHELL_SIZE = """async () => { const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name); let bytes = 0; const keys = await cache.keys();
    for (const request of keys) bytes += (await (await cache.match(request)).blob()).size;
    out[name] = {entries: keys.length, bytes}; }
  return out; }"""


def main() -> None:
    """Start a server with the demo's stores, measure, print a JSON report."""
    parser = argparse.ArgumentParser(prog="python -m bench.browser_pages", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="loads per measured case")
    runs = parser.parse_args().runs
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, \
            LiveServer(Path(folder) / "pages.sqlite3") as server, sync_playwright() as pw:
        with server.app.app_context():
            demo.seed_demo(seed=1, password=PASSWORD, history_days=0)
            token = db.session.scalar(select(Sign.token).join(Zone).join(Store)
                                      .where(Store.code == "NYC-5TH").limit(1))
            code = _a_stocked_code("NYC-5TH")
        browser = pw.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_FLAGS)
        report = {"customer": customer_pages(browser, server.url, token),
                  "associate": associate_loads(browser, server.url, runs),
                  "price_check": price_check(browser, server.url, token, code, runs)}
        browser.close()
    print(json.dumps(report, indent=2))


def customer_pages(browser, base: str, token: str) -> dict:
    """Return the bytes of the sign's form and of the status page, raw and gzipped."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    form = _weigh(page, lambda: page.goto(f"{base}/s/{token}", wait_until="load"))
    page.get_by_label("Find my size").check()
    status = _weigh(page, lambda: page.get_by_role("button", name="Call an associate").click())
    context.close()
    return {"sign_form": form, "status_page": status}


def _weigh(page, action) -> dict:
    seen = []

    def keep(response) -> None:
        seen.append(response)

    page.on("response", keep)
    action()
    page.wait_for_load_state("load")
    page.remove_listener("response", keep)
    resources = {}
    for response in seen:
        if "/events" in response.url or 300 <= response.status < 400:
            continue  # the live stream never ends; a redirect has no body worth counting
        body = response.body()
        resources[response.url.split("/", 3)[-1]] = {
            "raw": len(body), "gzip": len(gzip.compress(body, compresslevel=6))}
    return {"resources": resources,
            "total_raw": sum(r["raw"] for r in resources.values()),
            "total_gzip": sum(r["gzip"] for r in resources.values())}


def _a_stocked_code(store_code: str) -> str:
    """Return the UPC (or SKU) of a size the store has in stock, as printed on its tag."""
    from floorapp.models import Stock, Variant

    row = db.session.execute(select(Variant.upc, Variant.sku).join(Stock).join(Store).where(
        Store.code == store_code, Stock.floor_qty > 0).order_by(Variant.id).limit(1)).one()
    return row.upc or row.sku


def price_check(browser, base: str, token: str, code: str, runs: int) -> dict:
    """Return the check page's bytes and tap-on-Check → product shown, throttled (ms)."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    weight = _weigh(page, lambda: page.goto(f"{base}/s/{token}/check", wait_until="load"))
    times = []
    for _ in range(runs):
        page.goto(f"{base}/s/{token}/check", wait_until="load")
        session = context.new_cdp_session(page)
        session.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        session.send("Network.enable")
        session.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8,
            "uploadThroughput": 750e3 / 8})
        page.fill("#q", code)
        started = page.evaluate("performance.now() + performance.timeOrigin")
        page.get_by_role("button", name="Check", exact=True).click()
        page.locator("#p-name").wait_for()
        times.append(page.evaluate("performance.now() + performance.timeOrigin") - started)
        session.detach()
    context.close()
    return {"page": weight, "tap_to_product_ms": round(statistics.median(times), 1),
            "runs": runs, "profile": "CPU ×4, 150 ms RTT, 1.6/0.75 Mbit/s"}


def associate_loads(browser, base: str, runs: int) -> dict:
    """Return median navigation timings of the queue page, cold and warm, and the shell size."""
    cold, http_warm, sw_warm, shell = [], [], [], {}
    for _ in range(runs):
        context = _logged_in(browser, base, service_workers="block")
        page = context.new_page()
        page.goto(base + QUEUE)
        cold.append(page.evaluate(TIMING))
        page.goto(base + QUEUE)
        http_warm.append(page.evaluate(TIMING))
        context.close()
        context = _logged_in(browser, base, service_workers="allow")
        page = context.new_page()
        page.goto(base + QUEUE)
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.goto(base + QUEUE)  # the worker controls the page from this load on
        page.goto(base + QUEUE)
        sw_warm.append(page.evaluate(TIMING))
        shell = page.evaluate(SHELL_SIZE)
        context.close()
    return {"runs": runs, "cold_ms": _median(cold), "warm_http_cache_ms": _median(http_warm),
            "warm_service_worker_ms": _median(sw_warm), "caches": shell}


def _logged_in(browser, base: str, *, service_workers: str):
    """A fresh context whose session cookie is set without the browser caching any page."""
    context = browser.new_context(viewport=PHONE, service_workers=service_workers)
    login_page = context.request.get(base + "/login").text()
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    context.request.post(base + "/login", form={
        "csrf_token": csrf, "login": "nyc.associate1", "password": PASSWORD})
    return context


def _median(timings: list[dict]) -> dict:
    return {name: round(statistics.median(t[name] for t in timings), 1)
            for name in ("ttfb", "dom", "load")}


if __name__ == "__main__":
    main()
