"""Every page rendered in zh-hans reads in Chinese: no English-only UI strings (labels such as
"Join mode", "User:", "resident:", column names like ``id_number``), and the terms hold (签到 for an
attendance sign-in, 会议记录 for a meeting's minutes, never 登录 / 分钟 there)."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests import pagewalk

pytestmark = pytest.mark.django_db

# Text that is the same in both languages: product names, units, formats, codes.
SAME_IN_BOTH = re.compile(r"^(API|XLSX|CSV|PDF|QR|USCC|ID|OK|Swagger UI|ECharts|\d+A|A{1,5}|[A-Z]{2,5})$")
ENGLISH = re.compile(r"[A-Za-z]{3,}(?:[ _][A-Za-z]{2,})+|\b[A-Za-z]{3,}:|\b[a-z]+_[a-z_]+\b")
CJK = re.compile(r"[\u4e00-\u9fff]")


class _Text(HTMLParser):
    """Visible text and the attributes a person reads (placeholder, title, aria-label, button values)."""

    SKIP = {"script", "style", "code", "pre", "textarea"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.chunks, self._skip, self._stack = [], 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in self.VOID:
            # Stored data (names, codes, reasons as written) is marked translate="no" by the page.
            skip = tag in self.SKIP or attrs.get("translate") == "no"
            self._stack.append((tag, skip))
            self._skip += skip
        if self._skip:
            return
        for name in ("placeholder", "title", "aria-label"):
            if attrs.get(name):
                self.chunks.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.chunks.append(attrs["value"])

    def handle_endtag(self, tag):
        while self._stack:
            open_tag, skip = self._stack.pop()
            self._skip -= skip
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.chunks.append(data.strip())


def english_in(html: str, allowed: set[str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    found = []
    for chunk in parser.chunks:
        if chunk in allowed or SAME_IN_BOTH.match(chunk):
            continue
        for m in ENGLISH.finditer(chunk):
            word = m.group(0)
            if word in allowed or "@" in chunk or "/" in word:
                continue
            found.append(chunk if len(chunk) < 80 else chunk[:80] + "…")
            break
    return sorted(set(found))


def _zh(user=None):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.cookies["django_language"] = "zh-hans"
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def walked(world):
    made = pagewalk.populate(world)
    return made, pagewalk.superuser()


def _allowed(world, user):
    """Data of the fixtures that is not UI text: usernames, division codes."""
    from django.contrib.auth import get_user_model

    return set(get_user_model().objects.values_list("username", flat=True))


def test_every_page_in_chinese_has_no_english_ui_text(walked, world):
    made, admin = walked
    allowed = _allowed(world, admin)
    signed_in, anonymous = _zh(admin), _zh()
    problems, rendered, not_walked = {}, [], []
    for name, url, why in pagewalk.page_urls(public=True):
        if url is None:
            not_walked.append(f"{name}: {why}")
            continue
        client = anonymous if name in pagewalk.PUBLIC else signed_in
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            not_walked.append(f"{name}: {response.status_code}")
            continue
        rendered.append(name)
        leaks = english_in(response.content.decode(), allowed)
        if leaks:
            problems[f"{name} ({url})"] = leaks
    assert len(rendered) >= 40, (rendered, not_walked, made)
    assert not problems, "English on zh-hans pages:\n" + "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_meeting_page_says_签到_and_会议记录(walked, world):
    from governance.models import Meeting

    made, admin = walked
    meeting = Meeting.objects.order_by("pk").first()
    assert meeting is not None, made
    html = _zh(admin).get(f"/governance/meetings/{meeting.pk}/").content.decode()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "签到" in main and "登录" not in main
    assert "会议记录" in main and "分钟" not in main


def test_the_attendance_sign_in_is_签到_and_the_sign_in_page_登录(walked, world):
    from governance.models import Meeting

    made, admin = walked
    meeting = Meeting.objects.order_by("pk").first()
    assert meeting is not None, made
    main = _zh(admin).get(f"/governance/meetings/{meeting.pk}/").content.decode().split("<main", 1)[1]
    assert "签到" in main.split("</main>")[0] and "登录" not in main.split("</main>")[0]
    assert "登录" in _zh().get("/accounts/login/").content.decode()


def test_the_checker_catches_the_strings_the_issue_names():
    html = "<main><label>Join mode</label><td>User: 张三</td><span>resident: 李四</span><th>id_number</th></main>"
    assert len(english_in(html, set())) == 4
    assert english_in("<main><p>志愿者 · 张三 · 2020 · XLSX</p></main>", set()) == []
