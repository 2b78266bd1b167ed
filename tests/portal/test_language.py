"""No English left on Chinese pages (issue 13, item 8): every page every role reaches from its
home, in Chinese, on the demo data, shows no Latin word except names, product names and
file formats people write that way (PLC, Excel, CSV …), e-mail addresses and the language switch."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.conftest import DEMO_PASSWORD

ALLOWED = {
    "English",  # the language switch
    "UTC",  # "北京时间（UTC+8）"
    "Excel",
    "CSV",
    "csv",
    "xlsx",
    "docx",
    "MB",
    "PDF",
    "PNG",
    "JPEG",  # file formats and sizes
    "PLC",
    "plc",
    "GMP",
    "QC",
    "CAD",
    "CAM",
    "CO",
    "FANUC",
    "ABB",  # product and standard names in the demo records
    "KTV",  # how Chinese writes it (internship rules: entertainment venues)
    "GB",  # national standard numbers (GB 3869 体力劳动强度分级, GB 32100)
    "API",
    "URL",
    "Webhook",
    "https",  # the open API's page (portal/api): names of the technology, as developers write them
}
HOMES = {
    None: "/",
    "hr@xiaoqi-demo.cn": "/enterprise/",
    "school@xiaoqi-demo.cn": "/school/",
    "student@xiaoqi-demo.cn": "/student/",
    "admin@xiaoqi-demo.cn": "/admin/",
}
SKIP = re.compile(r"\.(xlsx|csv|docx|pdf)$|^/static/|^/healthz")


class VisibleText(HTMLParser):
    """Text a person reads: element text plus placeholders, labels and titles; no script or code."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self.hidden += 1
        for name, value in attrs:
            if name in ("placeholder", "aria-label", "title", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def english_words(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    text = " ".join(parser.parts).replace(DEMO_PASSWORD, "")
    text = re.sub(r"\S+@\S+", "", text)
    return {w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text) if w not in ALLOWED}


def test_no_english_word_on_chinese_pages(app, demo):
    found: dict[str, set[str]] = {}
    visited = 0
    for email, home in HOMES.items():
        client = app.test_client()
        client.set_cookie("lang", "zh")
        if email:
            client.post("/auth/login", data={"email": email, "password": DEMO_PASSWORD})
        seen: set[str] = set()
        queue = [home, "/"]
        while queue and len(seen) < 150:
            path = queue.pop(0)
            pattern = re.sub(r"/\d+", "/N", path.split("?")[0])
            if pattern in seen or SKIP.search(path):
                continue
            seen.add(pattern)
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response.content_type:
                continue
            visited += 1
            html = response.get_data(as_text=True)
            queue += [h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"#]*)"', html)]
            for word in english_words(html):
                found.setdefault(word, set()).add(pattern)
    assert visited > 80
    assert not found, {word: sorted(paths)[:3] for word, paths in found.items()}


def test_system_reasons_read_in_the_readers_language(app):
    from flask_babel import force_locale

    from portal.audit import services as audit

    reason = audit.coded(
        "district_input", input="upper_secondary_intake", year=2026, value=1800, source="区教体局"
    )
    with app.test_request_context("/"):
        with force_locale("zh"):
            assert audit.reason_text(reason) == "2026 年全区高中阶段招生总数设为 1,800（来源：区教体局）"
        with force_locale("en"):
            assert audit.reason_text(reason).startswith(
                "Total upper-secondary intake of the district for 2026 set to 1,800"
            )
            assert audit.reason_text(audit.coded("allocation_published")).startswith(
                "The allocation was published"
            )
        assert audit.reason_text("执照模糊") == "执照模糊"  # what people type stays as typed
