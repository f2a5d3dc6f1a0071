"""The public index: communities by name, each leading to its published case files; nothing English
on the public pages of a Chinese reader."""

import re

import pytest
from django.urls import reverse

from governance.choices import Stage
from tests.factories.governance import Walker, raise_matter

pytestmark = pytest.mark.django_db


def test_a_resident_finds_the_community_by_name_and_reaches_its_case_file(world, web):
    matter = raise_matter(world.community_a, title="小区停车位规划")
    client = web()
    index = client.get(reverse("governance:public-index"), {"q": "和平"}).content.decode()
    assert world.community_a.name in index and world.community_b.name not in index
    listing_url = reverse("governance:public-list", args=[world.community_a.code])
    assert listing_url in index
    assert matter.get_public_url() in client.get(listing_url).content.decode()
    assert client.get(matter.get_public_url()).status_code == 200


def _visible_text(html):
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return html


def test_the_public_pages_show_no_english(world, web):
    walker = Walker(world.community_a)
    matter = walker.to(Stage.CLOSED, major=True)
    client = web()
    for url in (reverse("governance:public-index"), reverse("governance:public-index") + "?q=不存在",
                reverse("governance:public-list", args=[world.community_a.code]), matter.get_public_url()):
        text = _visible_text(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z']{2,}", text) if w not in {"PDF", "API", "English"}]
        assert not words, (url, words[:20])


def test_the_change_history_reads_in_words_even_for_supports(world, web):
    from governance import services

    matter = raise_matter(world.community_a)
    services.support_matter(actor=None, matter=matter, name="吴大爷")
    page = web().get(matter.get_public_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    history = page.content.decode().split('id="history"')[1].split("</ul>")[0]
    assert "附议人数" in history and "supports" not in history and "吴大爷" not in history
