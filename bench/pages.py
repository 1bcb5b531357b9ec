"""Page weight: the customer page (a sign's QR target) and the associate's shell, bytes.

Raw and gzip (level 6) sizes of the HTML, and of the HTML with the same-origin CSS and
JS it links, as a phone's first visit downloads them (the service worker caches them
afterwards).
"""

import re

from bench.data import database
from bench.http import Browser, gzip_size, log_in
from bench.report import Report, Result
from bench.serve import floorapp
from bench.settings import Settings
from bench.setup import PASSWORD, bench_store

ASSET = re.compile(rb'(?:href|src)="(/static/[^"?#]+\.(?:css|js))')
TARGET_KB = 14


def weigh(browser: Browser, path: str) -> dict[str, int]:
    """Return the raw and gzip bytes of a page alone and with its CSS and JS."""
    _, html = browser.get_page(path)
    links = sorted(set(ASSET.findall(html)))
    assets = [browser.request("GET", link.decode())[2] for link in links]
    return {"raw": len(html), "gzip": gzip_size(html), "assets": len(assets),
            "total_raw": len(html) + sum(map(len, assets)),
            "total_gzip": gzip_size(html) + sum(gzip_size(a) for a in assets)}


def run(settings: Settings, report: Report) -> None:
    """Weigh the customer page and the associate shell (on SQLite: bytes do not depend on it)."""
    with database("sqlite") as url:
        seeded = bench_store(url)
        with floorapp(url) as base:
            customer = weigh(Browser(base), f"/s/{seeded['signs'][0]}")
            associate = log_in(base, "bench.a1", PASSWORD)
            shell = weigh(associate, "/")
    for name, sizes, target in (("customer page", customer, True),
                                ("associate shell", shell, False)):
        _add(report, name, sizes, target)


def _add(report: Report, name: str, sizes: dict[str, int], held: bool) -> None:
    limit = TARGET_KB * 1024
    report.add(Result("pages", f"{name} HTML, raw", sizes["raw"] / 1024, "KB"))
    report.add(Result("pages", f"{name} HTML, gzip", sizes["gzip"] / 1024, "KB",
                      target=f"≤ {TARGET_KB} KB" if held else "",
                      met=sizes["gzip"] <= limit if held else None))
    report.add(Result("pages", f"{name} + {sizes['assets']} CSS/JS files, raw",
                      sizes["total_raw"] / 1024, "KB"))
    report.add(Result("pages", f"{name} + {sizes['assets']} CSS/JS files, gzip",
                      sizes["total_gzip"] / 1024, "KB",
                      target=f"≤ {TARGET_KB} KB" if held else "",
                      met=sizes["total_gzip"] <= limit if held else None))
