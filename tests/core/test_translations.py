"""Chinese first: every catalogue is complete, compiled, and the default language is zh-hans."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(p for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
                    if ".venv" not in p.parts and "node_modules" not in p.parts)


def _entries(path):
    import polib

    return polib.pofile(str(path))


def test_there_is_a_chinese_catalogue():
    assert CATALOGUES, "no locale/zh_Hans/LC_MESSAGES/django.po found"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated_and_none_is_fuzzy(path):
    po = _entries(path)
    missing = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not missing, f"untranslated in {path}: {missing[:10]}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy[:10]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_is_up_to_date(path):
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo} missing: run make messages"
    import polib

    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo))}  # pgettext: same msgid, two contexts
    for entry in _entries(path).translated_entries():
        if not entry.msgid_plural:
            assert compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr, f"{mo} is stale: run make messages"


@pytest.mark.django_db
def test_pages_are_chinese_by_default_and_english_on_request(world, web):
    client = web(world.officer_a)
    assert "我的辖区" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "My areas" in client.get("/").content.decode()
