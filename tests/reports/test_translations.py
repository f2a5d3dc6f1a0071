"""The dashboard and the reasons it stores speak Chinese by default (catalogue completeness:
tests/core/test_translations.py)."""

import pytest


@pytest.mark.django_db
def test_the_dashboard_and_the_reasons_are_in_chinese_by_default(world, web, settings):
    from django.utils import translation

    from reports import services
    from reports.choices import RunTrigger

    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        services.run_now(actor=None, period="2020", trigger=RunTrigger.COMMAND)
        body = web(world.city_admin).get("/reports/?period=2020", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "常住人口" in body and "下级区划" in body
    assert "3403缺少2020的常住人口数据" in body
