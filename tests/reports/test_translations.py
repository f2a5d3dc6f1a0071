"""Every string of the reports app has a Chinese translation, and the dashboard speaks Chinese by default."""

from pathlib import Path

import polib
import pytest

PO = Path(__file__).resolve().parents[2] / "reports" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(PO))
    assert not po.metadata_is_fuzzy
    assert [e.msgid for e in po if not e.msgstr and not e.obsolete] == []
    assert [e.msgid for e in po if "fuzzy" in e.flags] == []


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
