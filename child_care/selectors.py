"""Reads shared by pages, API and tasks: the 排查汇总表 as of a day, workers' due lists, access log."""

import datetime
from collections import Counter

from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from core.choices import LEVEL_ORDER, LEVEL_PREFIX
from core.models import Area, AuditEvent
from core.scope import scope_for

from .choices import Boarding, Category, Education, GuardianshipQuality, Health, VisitStatus
from .models import CategoryRecord, Person, Survey, Visit
from .querysets import end_of
from .rules import age

STATISTICS_PERMISSION = "child_care.view_statistics"
NOT_COLLECTED = ""
AGE_BANDS = [("0-5", 0, 5), ("6-13", 6, 13), ("14-16", 14, 16)]


def may_see_counts(user, area) -> bool:
    return scope_for(user).covers(STATISTICS_PERMISSION, area.code)


def _latest_survey(field, day):
    return Subquery(Survey.objects.filter(person=OuterRef("person"), surveyed_on__lte=day,
                                          created_at__lt=end_of(day))
                    .order_by("-surveyed_on", "-id").values(field)[:1])


def summary(area, day: datetime.date, category=Category.LEFT_BEHIND) -> dict:
    """The 农村留守儿童基本情况排查汇总表 for ``area`` as the registry knew it at the end of ``day``:
    one row per area a level below (drill-down) and a total; every dimension with a 未采集 bucket.
    Reads only dated records and their recording times, so later edits never change a past summary."""
    records = (CategoryRecord.objects.filter(category=category, area__code__startswith=area.prefix)
               .known_on(day).filter(person__in=Person.objects.registered_on(day))
               .annotate(education=_latest_survey("education", day), health=_latest_survey("health", day),
                         boarding=_latest_survey("boarding", day), guardianship=_latest_survey("guardianship", day))
               .values_list("area__code", "person__birth_date", "person__sex", "education", "health", "boarding",
                            "guardianship"))
    level_index = LEVEL_ORDER.index(area.level)
    child_level = LEVEL_ORDER[min(level_index + 1, LEVEL_ORDER.index("community"))]
    width = LEVEL_PREFIX[child_level]
    children = {a.code[:width]: a for a in Area.objects.filter(parent=area).order_by("code")} \
        if area.level != "community" else {area.code[:width]: area}
    rows = {prefix: Counter() for prefix in children}
    total = Counter()
    for code, born, sex, education, health, boarding, guardianship in records:
        counts = rows.setdefault(code[:width], Counter())
        years = age(born, day)
        band = next((name for name, lo, hi in AGE_BANDS if lo <= years <= hi), NOT_COLLECTED)
        keys = ["n", f"age:{band}", f"age:{band}:{sex}", f"education:{education or ''}", f"health:{health or ''}",
                f"boarding:{boarding or ''}", f"guardianship:{guardianship or ''}"]
        for key in keys:
            counts[key] += 1
            total[key] += 1
    cols = columns()
    keys = [key for _group, group_cols in cols for key, _label in group_cols]
    out_rows = []
    for prefix, counts in rows.items():
        place = children.get(prefix)
        out_rows.append({"area": place, "code": place.code if place else prefix, "counts": counts,
                         "cells": [counts[k] for k in keys],
                         "share": round(100 * counts["n"] / total["n"], 2) if total["n"] else 0})
    return {"area": area, "day": day, "rows": out_rows, "total": total, "total_cells": [total[k] for k in keys],
            "columns": cols}


def columns():
    """(group, [(key, label)]) in the national form's order."""
    from django.utils.translation import gettext_lazy as _

    nc = _("Not collected")
    age_cols = []
    for name, _lo, _hi in AGE_BANDS:
        age_cols += [(f"age:{name}", _("%(band)s subtotal") % {"band": name}),
                     (f"age:{name}:male", _("%(band)s male") % {"band": name}),
                     (f"age:{name}:female", _("%(band)s female") % {"band": name})]
    return [
        (_("Age"), age_cols),
        (_("Education"), [(f"education:{v}", label) for v, label in Education.choices] + [("education:", nc)]),
        (_("Health"), [(f"health:{v}", label) for v, label in Health.choices] + [("health:", nc)]),
        (_("Boarding"), [(f"boarding:{v}", label) for v, label in Boarding.choices] + [("boarding:", nc)]),
        (_("Guardianship"), [(f"guardianship:{v}", label) for v, label in GuardianshipQuality.choices]
         + [("guardianship:", nc)]),
    ]


def summary_table(data) -> tuple[list[str], list[list]]:
    """Header and rows of the summary for an export (national layout, flattened)."""
    from django.utils.translation import gettext as _

    keys = [key for _group, cols in data["columns"] for key, _label in cols]
    header = [_("Area"), _("Number"), _("Share of total %")] + [
        f"{group} {label}" for group, cols in data["columns"] for _key, label in cols]
    rows = [[r["area"].name if r["area"] else r["code"], r["counts"]["n"], r["share"]]
            + [r["counts"][k] for k in keys] for r in data["rows"]]
    rows.append([_("Total"), data["total"]["n"], 100 if data["total"]["n"] else 0] + [data["total"][k] for k in keys])
    return header, rows


DUE_FIELDS = ["id", "person", "area", "visitor", "due_on", "status", "done_on", "life", "study", "safety",
              "guardianship", "next_steps"]


def due_lists(user, today: datetime.date, days: int = 7, *, with_people: bool = True) -> dict:
    """The worker's planned visits: overdue, and due within ``days`` days. ``with_people=False`` (the API, which
    shows ids only) reads the visit's own columns and its village, not the child."""
    # One query on the (visitor, status, due_on) index, split here: both lists are the head of one range.
    planned = (Visit.objects.restrict(user, "view")
               .filter(visitor=user, status=VisitStatus.PLANNED, due_on__lte=today + datetime.timedelta(days=days))
               .order_by("due_on", "id"))
    if with_people:
        planned = planned.select_related("person", "area").defer("person__id_number", "person__phone")
    else:  # the village joined: the read-audit event files itself under it without another round trip
        planned = planned.select_related("area").only(*DUE_FIELDS, *(f"area__{f.name}" for f in Area._meta.concrete_fields))
    planned = list(planned)
    return {"overdue": [v for v in planned if v.due_on < today], "due_soon": [v for v in planned if v.due_on >= today]}


def access_log(person):
    """Every audit event about this person: reads (pages, API, exports, lists that showed them),
    reveals of their ID or phone, and changes; newest first."""
    pk = str(person.pk)
    about = Q(target_type="child_care.person") & (Q(target_id=pk) | Q(action="core.read", changes__ids__contains=[pk]))
    # Reads of the child's other records (visits, roster comparisons, rescue cases, consents, guardianship
    # guidance) are reads of the child too: the visit page a director opens from the due list is listed here.
    for label, ids in (("child_care.visit", person.visits.values_list("pk", flat=True)),
                       ("child_care.rosterentry", person.roster_entries.values_list("pk", flat=True)),
                       ("child_care.rescuecase", person.rescues.values_list("pk", flat=True)),
                       ("child_care.consent", person.consents.values_list("pk", flat=True)),
                       ("child_care.guidance", person.guidances.values_list("pk", flat=True))):
        ids = [str(i) for i in ids[:200]]
        if ids:
            any_list = Q(pk__in=[])
            for one in ids:
                any_list |= Q(changes__ids__contains=[one])
            about |= Q(target_type=label) & (Q(target_id__in=ids) | (Q(action="core.read") & any_list))
    return AuditEvent.objects.filter(about).order_by("-created_at", "-id")


def in_force_categories(person, day):
    return CategoryRecord.objects.filter(person=person).in_force_on(day)


# --- the access log in words ------------------------------------------------------------------------------
# A read's purpose is written by the page or API that read (``core.readaudit.purpose_of``: the view's class
# and URL name, "PersonDetailView (child_care:person-detail)"); the auditor reads where the child was seen.
READ_PLACES = {
    "child_care:person-detail": _("the person's record"),
    "child_care:person-list": _("the registry list"),
    "child_care:person-action": _("the person's record"),
    "child_care:my-visits": _("my due visits"),
    "child_care:visit-record": _("the visit form"),
    "child_care:proposal-list": _("status proposals"),
    "child_care:roster-entries": _("the roster comparison"),
    "child_care:rescue-list": _("rescue follow-up cases"),
    "child_care:rescue-detail": _("a rescue follow-up case"),
    "child_care:consent-list": _("consents"),
    "child_care:consent-create": _("the consent form"),
    "child_care:guidance-list": _("guardianship guidance"),
    "child_care:guidance-create": _("the guardianship guidance form"),
}


def read_purpose(event) -> str | None:
    """Where a read happened, in words ("页面 · 登记人员详情", "导出 CSV · 登记名单", "接口 · 走访"), or None
    for an event whose reason a person typed (a reveal, a change): that is shown as written."""
    import re

    from core.auditwords import model_of

    if event.action != "core.read":
        return None
    reason = event.reason or ""
    found = re.search(r"\(([^()]+)\)", reason)
    place = READ_PLACES.get(found.group(1) if found else "")
    if place is None:
        model = model_of(event)
        place = model._meta.verbose_name_plural if model is not None else _("records")
    export = re.search(r"\bexport (csv|xlsx)\b", reason)
    if export:
        channel = _("export %(format)s") % {"format": export.group(1).upper()}
    elif "ViewSet" in reason:
        channel = _("API")
    else:
        channel = _("page")
    return f"{channel} · {place}"


def access_log_rows(events) -> list[dict]:
    """The access log's rows in the reader's language: what happened (core.auditwords, the words of the
    auditors' audit log) and why (a read's place in words, else the reason as written)."""
    from core.auditwords import describe_action

    return [{"event": e, "action": describe_action(e), "purpose": read_purpose(e)} for e in events]
