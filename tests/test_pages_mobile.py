"""Every non-public page fits a 390 px phone screen: no sideways scrolling of the page itself (wide
tables scroll inside their own .table-responsive box).

Each page is rendered by Django's test client (signed in as a superuser, with a few records of every
app from tests/pagewalk.py) and shown by Debian's Chromium through Playwright at 390 × 844, its
static files (Bootstrap, the portal's CSS, ECharts) served from the project's static finders.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests import pagewalk

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
ORIGIN = "http://portal.test"
WIDTH = 390
# Every page is rendered BEFORE Chromium starts: Playwright's sync API runs an event loop in this
# thread, and the ORM would then use another connection, outside the test's transaction.

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM} (make test installs it)"),
]

TYPES = {".css": "text/css", ".js": "application/javascript", ".svg": "image/svg+xml", ".png": "image/png",
         ".woff2": "font/woff2", ".woff": "font/woff", ".map": "application/json"}

# The elements that stick out, for the failure message.
OVERFLOW_JS = """(width) => {
  const out = [];
  const doc = document.documentElement;
  const nav = document.querySelector(".navbar");
  const styled = !!nav && getComputedStyle(nav).display === "flex";  // Bootstrap's CSS was loaded
  if (doc.scrollWidth <= width + 1) return {scroll: doc.scrollWidth, culprits: out, styled: styled};
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0) {
      let inside = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const ox = getComputedStyle(p).overflowX;
        if (ox === "auto" || ox === "scroll" || ox === "hidden") { inside = true; break; }
      }
      if (!inside) out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "") +
        " right=" + Math.round(r.right));
    }
    if (out.length > 6) break;
  }
  return {scroll: doc.scrollWidth, culprits: out, styled: styled};
}"""


def _serve_static(route):
    path = urlsplit(route.request.url).path
    found = finders.find(path.removeprefix("/static/")) if path.startswith("/static/") else None
    if not found:
        return route.fulfill(status=404, body="")
    return route.fulfill(status=200, body=Path(found).read_bytes(),
                         headers={"Content-Type": TYPES.get(Path(found).suffix, "application/octet-stream")})


def _widths(pages: dict) -> dict:
    """{page: overflow found} for the pages wider than the screen, shown one after another."""
    from playwright.sync_api import sync_playwright

    current, wide = {}, {}

    def handle(route):
        path = urlsplit(route.request.url).path
        if path.startswith("/static/"):
            return _serve_static(route)
        if route.request.resource_type == "document" and path == current["path"]:
            return route.fulfill(status=200, body=current["body"], headers={"Content-Type": "text/html; charset=utf-8"})
        return route.fulfill(status=204, body="")  # no other request leaves the page (htmx polls, images)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        try:
            context = browser.new_context(viewport={"width": WIDTH, "height": 844}, locale="zh-CN",
                                          device_scale_factor=1, is_mobile=True, has_touch=True)
            page = context.new_page()
            page.route(f"{ORIGIN}/**", handle)
            for url, (name, body) in pages.items():
                current.update(path=urlsplit(url).path, body=body)
                page.goto(ORIGIN + url, wait_until="load")
                found = page.evaluate(OVERFLOW_JS, WIDTH)
                if found["scroll"] > WIDTH + 1 or not found["styled"]:
                    wide[f"{name} ({url})"] = found
        finally:
            browser.close()
    return wide


def test_every_non_public_page_fits_a_390_px_screen(world):
    made = pagewalk.populate(world)
    admin = pagewalk.superuser()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.cookies["django_language"] = "zh-hans"
    client.force_login(admin)
    pages, not_walked = {}, []
    for name, url, why in pagewalk.page_urls(public=False):
        if url is None:
            not_walked.append(f"{name}: {why}")
            continue
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            not_walked.append(f"{name}: {response.status_code}")
            continue
        pages[url] = (name, response.content)
    assert len(pages) >= 35, (sorted(n for n, _c in pages.values()), not_walked, made)

    # The check bites: a page with a 600 px block is reported.
    probe = pages[next(iter(pages))][1].replace(b"<main", b'<div id="too-wide"></div><main', 1)
    pages["/__probe__/"] = ("probe", probe.replace(b"</head>", b"<style>#too-wide{width:600px;height:1px}</style></head>", 1))
    wide = _widths(pages)
    assert "probe (/__probe__/)" in wide and "div#too-wide" in str(wide.pop("probe (/__probe__/)"))
    assert not wide, "pages wider than 390 px:\n" + "\n".join(f"{k}: {v}" for k, v in wide.items())
