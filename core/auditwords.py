"""Audit events in words: "app.model.verb" as "批准 · 服务时长记录", changes with field labels.

The action's model is read from the event's record type (``app_label.model``) or from the action
itself; its verbose name and its fields' verbose names (and choice labels) come from the model, so
every app's events read in the reader's language without a table per app. Verbs are translated
here once; an unknown verb is shown with underscores as spaces.
"""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

VERBS = {
    "create": _("created"), "update": _("changed"), "delete": _("deleted"), "save": _("saved"),
    "change": _("changed"), "register": _("registered"), "import": _("imported"), "approve": _("approved"),
    "reject": _("rejected"), "reverse": _("reversed"), "record": _("recorded"), "accept": _("accepted"),
    "decline": _("declined"), "refer": _("referred"), "merge": _("merged"), "withdraw": _("withdrawn"),
    "raise": _("raised"), "propose": _("proposed"), "support": _("supported"), "attach": _("attachment added"),
    "deliberate": _("put to deliberation"), "decide": _("decided"), "implement": _("put into effect"),
    "evaluate": _("put to evaluation"), "close": _("closed"), "reopen": _("reopened"), "notice": _("meeting notified"),
    "sign": _("signed"), "tally": _("tallied"), "correct": _("corrected"), "post": _("posted"),
    "countersign": _("countersigned"), "add": _("added"), "complete": _("completed"), "award": _("awarded"),
    "rate": _("rated"), "respond": _("answered"), "attend": _("attendance recorded"), "download": _("downloaded"),
    "read": _("read"), "reveal": _("personal data revealed"), "issue": _("issued"), "revoke": _("revoked"),
    "enrol": _("authenticator enrolled"), "password_change": _("password changed"),
    "set_password": _("password set"), "resolved": _("resolved"), "dismissed": _("dismissed"),
    "dismiss": _("dismissed"), "escalate": _("escalated"), "start": _("started"), "resolve": _("handled"),
    "verify": _("verified"), "file": _("filed"), "schedule": _("scheduled"), "confirm": _("confirmed"),
    "open": _("opened"), "end": _("ended"), "submit": _("submitted"), "review": _("reviewed"),
    "grant": _("role granted"), "check_in": _("checked in"), "check_out": _("checked out"),
    "cancel": _("cancelled"), "no_show": _("marked no-show"), "promote": _("promoted from the waiting list"),
    "join": _("join requested"), "staff": _("staff appointed"), "answer": _("answered"), "request": _("requested"),
    "enter": _("entered"), "exit": _("exited"), "restart": _("restarted"), "draw": _("drawn"), "freeze": _("frozen"),
    "export": _("exported"), "term": _("term set"), "redivide": _("redivided"),
    "name_approval": _("name approved"), "preparation": _("preparation registered"),
    "establishment": _("establishment registered"), "party_forwarded": _("party documents forwarded"),
    "activity": _("activity recorded"), "sponsor_opinion": _("sponsor's opinion recorded"), "grade": _("graded"),
    "rebuild": _("rebuilt"), "situation": _("situation changed"), "run": _("run"), "tally_votes": _("tallied"),
}


def model_of(event):
    """The model an event is about, or None."""
    for label in (event.target_type, ".".join(event.action.split(".")[:2])):
        if label and "." in label:
            try:
                return apps.get_model(label)
            except (LookupError, ValueError):
                continue
    return None


def describe_action(event) -> str:
    parts = event.action.split(".")
    verb = parts[-1] if parts else event.action
    word = VERBS.get(verb)
    if word is None:
        word = verb.replace("_", " ")  # an action no table names yet: its code, readable
    model = model_of(event)
    what = str(model._meta.verbose_name) if model is not None else (parts[1].replace("_", " ") if len(parts) > 2 else "")
    return f"{what} · {word}" if what else str(word)


def _field_label(model, name):
    if model is None:
        return name.replace("_", " "), None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name.replace("_", " "), None
    return str(getattr(field, "verbose_name", name)), field


def _value(field, value):
    if value is None or value == "":
        return "—"
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    return str(value)


def describe_changes(event) -> list[dict]:
    """[{"label", "before", "after"}] in words; a value that is not a before/after pair is "after"."""
    changes = event.changes or {}
    if not isinstance(changes, dict):
        return [{"label": "", "before": "", "after": str(changes)}]
    model = model_of(event)
    out = []
    for name, pair in changes.items():
        label, field = _field_label(model, name)
        raw = field is None  # a key of the event that is no field of the model: shown as written
        if isinstance(pair, list) and len(pair) == 2:
            out.append({"label": label, "raw": raw, "before": _value(field, pair[0]), "after": _value(field, pair[1])})
        else:
            out.append({"label": label, "raw": raw, "before": "", "after": _value(field, pair)})
    return out


def changes_text(event) -> str:
    """One line for exports: "状态: 待审核 → 已批准; 时长: 2"."""
    parts = []
    for c in describe_changes(event):
        parts.append(f"{c['label']}: {c['before']} → {c['after']}" if c["before"] else f"{c['label']}: {c['after']}")
    return "; ".join(parts)
