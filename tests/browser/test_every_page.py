"""Every page of every role, on a desktop (1280 px) and on a phone (390×844):

- axe-core (shipped by axe-playwright-python) finds no violation of any impact;
- nothing is clipped or pushed beyond the screen, no table cell is squeezed to one
  character per line, and a table stacked on a phone keeps each cell's column label;
- no page answers 5xx.

The pages are found as a person finds them: from the role's home and menus, then by
following links, one page per URL pattern (/x/12 and /x/13 are the same page), in Chinese
and in English (chosen with the page's language switch). A logged-in crawl leaves to the
public crawl the pages whose content is the same as an anonymous visitor's. Each role's
home is saved under tests/browser/screens/ (ignored by git) for review.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.base import AXE_FILE_PATH

from tests.browser.conftest import log_in, save_screenshot
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

SCREENS = Path(__file__).parent / "screens"
ROLES = {
    "public": None,
    "enterprise": "hr@xiaoqi-demo.cn",
    "school": "school@xiaoqi-demo.cn",
    "student": "student@xiaoqi-demo.cn",
    "admin": "admin@xiaoqi-demo.cn",
}
HOMES = {
    "public": "/",
    "enterprise": "/enterprise/",
    "school": "/school/",
    "student": "/student/",
    "admin": "/admin/",
}
MAX_PAGES = 120
# /api: JSON and its Swagger UI, checked by tests/api.
SKIP = re.compile(r"\.(xlsx|csv|docx|pdf|svg|png)$|^/static/|^/healthz|^/api/")
DESKTOP = {"width": 1280, "height": 900}
# What axe_playwright_python's Axe().run(page) runs, once axe-core is in the page: run again, for
# the report, on a page where AXE_COUNT found violations.
AXE_RUN = "axe.run({resultTypes: ['violations']})"
# The same rules, counting violations only: without the passes' report and without building each
# node's selector, a page's check takes about 35 % less time (measured on the public pages).
AXE_COUNT = (
    "axe.run({resultTypes: ['violations'], reporter: 'no-passes', selectors: false, ancestry: false,"
    " xpath: false}).then(result => result.violations.length)"
)
PHONE = {"width": 390, "height": 844}

# Measured in the page: what a person would see as broken layout.
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const doc = document.documentElement;
  const width = doc.clientWidth;
  const say = (why, el) => problems.push(why + ": <" + el.tagName.toLowerCase() + "> "
      + JSON.stringify((el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 40)));
  if (doc.scrollWidth > width + 1) problems.push("the page scrolls sideways: " + doc.scrollWidth + " > " + width);
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  for (const el of document.querySelectorAll("body button, body .btn, body a, body input, body select, body textarea, body th, body td")) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right <= 0) continue;  // moved off-screen on purpose until focused (the skip link)
    let scrolls = false;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === "auto" || s.overflowX === "scroll") { scrolls = true; break; }
      if (s.overflowX === "hidden" || s.overflowX === "clip" || s.overflowY === "hidden" || s.overflowY === "clip") {
        const ar = a.getBoundingClientRect();
        if (r.left < ar.left - 1 || r.right > ar.right + 1 || r.bottom > ar.bottom + 1) { say("clipped", el); }
        break;
      }
    }
    if (!scrolls && (r.right > width + 1 || r.left < -1)) say("beyond the screen", el);
  }
  for (const cell of document.querySelectorAll("main th, main td")) {
    if (!visible(cell)) continue;
    const text = cell.innerText.trim();
    const hidden = cell.querySelector(".sr-only");
    if (text.length < 2 || (hidden && hidden.textContent.trim() === cell.textContent.trim())) continue;
    // The text's own box (not the cell's, which is as tall as its row): narrow and tall means a character a line.
    const range = document.createRange();
    range.selectNodeContents(cell);
    const box = range.getBoundingClientRect();
    const font = parseFloat(getComputedStyle(cell).fontSize);
    if (box.width < 1.9 * font && box.height > 2.5 * font) say("squeezed to one character a line", cell);
  }
  for (const table of document.querySelectorAll("main table")) {
    const head = table.querySelector("thead");
    if (!head || getComputedStyle(head).display !== "none" || !visible(table)) continue;
    for (const td of table.querySelectorAll("tbody td")) {
      if (visible(td) && td.innerText.trim() && !td.hasAttribute("data-label") && !td.querySelector("strong, h2, h3")) {
        say("stacked cell without its column label", td);
      }
    }
  }
  return problems;
}"""
# The layout problems and, in the same call, the page's links (what `a[href]` gives).
LAYOUT_AND_LINKS = (
    f"() => ({{problems: ({LAYOUT_PROBLEMS})(), "
    "links: Array.from(document.querySelectorAll('a[href]'), a => a.href)})"
)


def pattern(path: str) -> str:
    # Every town's page is one template filled with another town's figures.
    return re.sub(r"^/training/towns/[^/]+", "/training/towns/T", re.sub(r"/\d+", "/N", path))


def crawl(start: list[str], visit) -> list[str]:
    """Pages reachable from `start`, one per URL pattern; `visit(path)` checks a page and returns the
    same-origin paths it links to."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if pattern(path) in seen or SKIP.search(path):
            continue
        seen[pattern(path)] = path
        queue.extend(p for p in visit(path) if pattern(p) not in seen)
    return list(seen.values())


def same_origin(base: str, hrefs) -> list[str]:
    return [urlsplit(h).path for h in hrefs if h.startswith(base) and urlsplit(h).path]


def links_in(html: str, base: str, path: str) -> list[str]:
    """What `a[href]` gives in the browser, read from the page's HTML."""
    hrefs = re.findall(r'<a\b[^>]*?\shref="([^"]*)"', html)
    return same_origin(base, [urljoin(base + path, unescape(h)) for h in hrefs])


def main_of(html: str) -> str:
    """The page's own content (not the role's menus), without what differs on every response."""
    found = re.search(r"<main\b.*?</main>", html, re.S)
    return re.sub(r'(name="csrf_token"[^>]*?value=")[^"]*', r"\1", found.group(0)) if found else ""


def anonymous_crawl(live_server, locale: str):
    """The public crawl's pages, found as it finds them, without a browser; and `anonymous(path)`,
    the <main> an anonymous visitor gets at a path (None unless 200)."""
    client = live_server.app.test_client()
    if locale == "en-US":
        client.set_cookie("lang", "en")

    def anonymous(path: str) -> str | None:
        response = client.get(path)
        return main_of(response.get_data(as_text=True)) if response.status_code == 200 else None

    def visit(path: str) -> list[str]:
        response = client.get(path)
        return links_in(response.get_data(as_text=True), live_server.url, path)

    return {pattern(p) for p in crawl([HOMES["public"]], visit)}, anonymous


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])  # both languages (issue 26)
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_is_accessible_and_fits(browser, live_server, role, locale):
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport=DESKTOP)
    context.set_default_timeout(15_000)
    # axe-core is put in each page as it loads, by the browser itself: sending its 570 kB through
    # the driver for every page cost more than the checks.
    context.add_init_script(path=AXE_FILE_PATH)
    page = context.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda exc: script_errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            script_errors.append(msg.text) if msg.type == "error" and "status of 4" not in msg.text else None
        ),
    )
    home = HOMES[role]
    if ROLES[role]:
        log_in(page, ROLES[role], DEMO_PASSWORD)
        page.wait_for_url(re.compile(re.escape(home) + "$"))
    else:
        page.goto(home)
    if locale == "en-US":
        # The site's language is the person's choice (their account's, else a cookie), not the
        # browser's Accept-Language: choose English as a person does, with the switch on the page.
        page.get_by_test_id("lang-en").click()
        page.wait_for_url(re.compile(re.escape(home) + "$"))
        assert page.locator("html").get_attribute("lang") == "en"
    menu_links = (
        [urlsplit(h).path for h in page.eval_on_selector_all("nav a[href]", "els => els.map(e => e.href)")]
        if ROLES[role]
        else []
    )
    problems: list[str] = []
    SCREENS.mkdir(exist_ok=True)

    def fits(viewport_name: str, path: str) -> list[str]:
        """Records the page's layout problems at this width; the links it holds."""
        found = page.evaluate(LAYOUT_AND_LINKS)
        problems.extend(f"{viewport_name} {path}: {problem}" for problem in found["problems"])
        if path == home:
            save_screenshot(page, SCREENS / f"{role}-home-{viewport_name}-{locale}.png", full_page=True)
        return found["links"]

    def check(path: str, response) -> list[str]:
        """Checks the page just loaded at `path`; the links it holds."""
        if response is not None and response.status >= 500:
            problems.append(f"{path}: HTTP {response.status}")
            return page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        links = fits("desktop", path)
        # axe is the same at both widths except for layout; run it once per page to keep the suite quick.
        for violation in page.evaluate(AXE_RUN)["violations"] if page.evaluate(AXE_COUNT) else []:
            targets = [", ".join(node["target"]) for node in violation["nodes"]][:3]
            problems.append(f"axe {path}: {violation['id']} ({violation['impact']}) {targets}")
        # The same document on a phone: the layout follows the width through CSS alone (no script
        # reads it), so resizing shows what loading the page at 390 px would, without a second load.
        page.set_viewport_size(PHONE)
        fits("phone", path)
        # Back to the desktop width for the next page; the links were read before the resize: reading
        # anything now would lay this page out again at 1280 px for nothing (30 ms a page).
        page.set_viewport_size(DESKTOP)
        return links

    # A page outside the role's area whose content is what an anonymous visitor sees is checked by
    # the public crawl, in this language: here only its menus differ, checked on the role's own pages.
    public, anonymous = anonymous_crawl(live_server, locale) if ROLES[role] else (set(), None)
    skipped: list[str] = []

    def visit(path: str) -> list[str]:
        if pattern(path) in public:
            response = context.request.get(path)
            html = response.text()
            if response.status == 200 and main_of(html) == anonymous(path):
                skipped.append(path)
                return links_in(html, live_server.url, path)
        return same_origin(live_server.url, check(path, page.goto(path)))

    pages = crawl([home, *menu_links], visit)
    assert len(pages) - len(skipped) >= 5, (pages, skipped)
    context.close()
    assert not problems, f"{len(problems)} problems over {len(pages)} pages:\n" + "\n".join(problems)
    assert not script_errors, script_errors
