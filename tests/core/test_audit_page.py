"""The audit log reads in words for an auditor: actions, field labels, date pickers, filters, export."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from core import services
from core.models import Area
from governance.choices import Stage
from governance.models import Matter
from tests.factories import governance as gov

pytestmark = pytest.mark.django_db


def _zh(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def test_a_change_reads_with_the_field_label_and_the_choice_labels_not_their_codes(world, web):
    walker = gov.Walker(world.community_a)
    matter = gov.raise_matter(world.community_a, actor=walker.worker)
    from governance import services as gs

    gs.accept_matter(actor=walker.committee, matter=matter)
    html = _zh(web(world.auditor)).get(reverse("audit-list"), {"target_type": "governance.matter"}).content.decode()
    with translation.override("zh-hans"):
        stage_label = str(Matter._meta.get_field("stage").verbose_name)
        accepted = str(Stage.ACCEPTED.label)
        raised = str(Stage.RAISED.label)
        matter_name = str(Matter._meta.verbose_name)
    assert f'<span class="audit-field">{stage_label}</span>: <span translate="no">{raised} → {accepted}' in html
    assert '<span class="audit-field">stage</span>' not in html
    assert f"{matter_name} · " in html


def test_the_dates_are_pickers_and_person_and_record_are_filters(world, web):
    services.update_area(actor=world.officer_a, area=world.community_a, name="新和平社区")
    services.update_area(actor=world.city_admin, area=world.community_b, name="新胜利社区")
    client = _zh(web(world.auditor))
    html = client.get(reverse("audit-list")).content.decode()
    assert 'type="date" name="since"' in html and 'type="date" name="until"' in html
    by_person = client.get(reverse("audit-list"), {"actor_id": world.officer_a.pk}).content.decode()
    assert "新和平社区" in by_person and "新胜利社区" not in by_person
    by_record = client.get(reverse("audit-list"), {"target_type": "core.area",
                                                    "target_id": str(world.community_b.pk)}).content.decode()
    assert "新胜利社区" in by_record and "新和平社区" not in by_record
    with translation.override("zh-hans"):
        name_label = str(Area._meta.get_field("name").verbose_name)
    assert f'<span class="audit-field">{name_label}</span>: <span translate="no">和平社区 → 新和平社区' in by_person


def test_the_export_says_the_same_in_words(world, web):
    services.update_area(actor=world.officer_a, area=world.community_a, name="新和平社区")
    response = _zh(web(world.auditor)).get(reverse("audit-list"), {"export": "xlsx", "actor_id": world.officer_a.pk})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    with translation.override("zh-hans"):
        name_label = str(Area._meta.get_field("name").verbose_name)
    assert any(f"{name_label}: 和平社区 → 新和平社区" in (cell or "") for row in rows[1:] for cell in row
               if isinstance(cell, str)), rows
