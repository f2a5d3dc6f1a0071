"""The menu: each user sees the entries of the permissions they hold, the current page marked, in the
page's language — built once per process for each such combination (core.navigation.Menu)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _menu(body: str) -> list[tuple[str, bool]]:
    return [(href, bool(active)) for active, href in
            re.findall(r'<a class="nav-link( active)?" href="([^"]+)">', body)]


def test_each_user_sees_their_own_entries_with_the_current_page_marked(world, web):
    officer = _menu(web(world.officer_a).get("/areas/").content.decode())
    assert ("/areas/", True) in officer and ("/audit/", False) not in officer
    auditor = _menu(web(world.auditor).get("/audit/").content.decode())
    assert ("/audit/", True) in auditor and ("/areas/", False) in auditor
    assert _menu(web(world.officer_a).get("/findings/").content.decode()) != officer  # another page marked
    assert _menu(web(world.outsider).get("/").content.decode()) == []  # no role: no entries


def test_the_menu_follows_the_language(world, web):
    client = web(world.officer_a)
    zh = client.get("/areas/").content.decode()
    client.cookies["django_language"] = "en"
    en = client.get("/areas/").content.decode()
    assert '<a class="nav-link active" href="/areas/">区划</a>' in zh
    assert '<a class="nav-link active" href="/areas/">Areas</a>' in en
