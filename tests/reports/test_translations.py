"""Every string of the reports app has a Chinese translation, and the dashboard speaks Chinese by default."""

from pathlib import Path

import pytest

PO = Path(__file__).resolve().parents[2] / "reports" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries():
    """(flags, msgid, msgstr) of every entry, header included; enough of the PO format for this check."""
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        flags, parts, current = "", {"msgid": "", "msgstr": ""}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += line
            elif line.startswith(("msgid ", "msgstr")):
                current = line.split(" ", 1)[0].split("[", 1)[0]
                parts[current] = parts.get(current, "") + line.split(" ", 1)[1].strip('"')
            elif line.startswith('"') and current:
                parts[current] += line.strip('"')
        if current:
            yield flags, parts["msgid"], parts["msgstr"]


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = list(_entries())
    assert len(entries) > 50
    assert [msgid for _f, msgid, msgstr in entries if not msgstr] == []
    assert [msgid for flags, msgid, _s in entries if "fuzzy" in flags] == []


@pytest.mark.django_db
def test_the_dashboard_and_the_reasons_are_in_chinese_by_default(world, web, settings):
    from django.utils import translation

    from reports import services
    from reports.choices import RunTrigger

    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        services.run_now(actor=None, period="2020", trigger=RunTrigger.COMMAND)
        body = web(world.city_admin).get("/reports/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "常住人口" in body and "下级区划" in body
    assert "未登记3403在2020的常住人口" in body
