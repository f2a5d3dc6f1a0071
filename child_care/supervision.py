"""Supervision checks: overdue visits (escalated by core: child director → supervisor → county office)
and proposals nobody has decided."""

import datetime

from django.utils.translation import gettext as _

from core.choices import Severity
from core.supervision import Raise, check
from core.workdays import add_working_days

VISIT_GRACE_WORKING_DAYS = 5  # then the finding moves up a level (core.supervision.escalate_overdue)
PROPOSAL_DAYS = 30


@check("child_care.visit_overdue")
def visit_overdue(today):
    """A planned visit past its due date: in the child director's inbox (the village's level), due in five
    working days; left open, core raises it to the township (supervisor), then the county."""
    from .models import Visit

    late = Visit.objects.filter(status="planned", due_on__lt=today).select_related("area", "person")
    for visit in late.iterator(chunk_size=2000):
        yield Raise(
            target=visit, area=visit.area, severity=Severity.SERIOUS,
            title=_("Visit to %(child)s overdue since %(day)s") % {"child": visit.person, "day": visit.due_on},
            detail=_("Children are visited by their risk tier's cadence; record the visit or say why it cannot happen."),
            due_date=add_working_days(visit.due_on, VISIT_GRACE_WORKING_DAYS), url=visit.get_absolute_url(),
        )


@check("child_care.proposal_undecided")
def proposal_undecided(today):
    from .models import Proposal

    cutoff = today - datetime.timedelta(days=PROPOSAL_DAYS)
    waiting = Proposal.objects.filter(status__in=["proposed", "confirmed"], proposed_at__date__lt=cutoff).select_related(
        "area", "person")
    for proposal in waiting:
        yield Raise(
            target=proposal, area=proposal.area,
            title=_("Status proposal for %(child)s undecided for %(days)s days")
            % {"child": proposal.person, "days": PROPOSAL_DAYS},
            due_date=today + datetime.timedelta(days=7), url=proposal.get_absolute_url(),
        )


ROSTER_DAYS = 15  # working days to decide a roster difference
CONSENT_NOTICE_DAYS = 30


@check("child_care.roster_conflict")
def roster_conflict(today):
    """A roster difference nobody has decided (a dropout first: 控辍保学), in the village's inbox."""
    from .models import RosterEntry

    waiting = (RosterEntry.objects.filter(decision="open", bucket__in=["conflict", "unknown", "not_in_school"])
               .select_related("area", "roster").defer("id_number"))
    for entry in waiting.iterator(chunk_size=2000):
        dropout = any(d.get("roster") in ("dropped_out", "suspended") for d in entry.differences)
        yield Raise(
            target=entry, area=entry.area, severity=Severity.SERIOUS if dropout else Severity.WARNING,
            title=(_("Dropout alert (控辍保学) from the school roster: %(who)s") if dropout
                   else _("School-roster difference to decide: %(who)s")) % {"who": entry},
            due_date=add_working_days(entry.roster.created_at.date(), ROSTER_DAYS), url=entry.get_absolute_url(),
        )


@check("child_care.consent_expiring")
def consent_expiring(today):
    """A guardian's consent that expires within 30 days: ask again before it lapses."""
    from .models import Consent

    soon = Consent.objects.filter(withdrawn_on__isnull=True, expires_on__gte=today,
                                  expires_on__lte=today + datetime.timedelta(days=CONSENT_NOTICE_DAYS)
                                  ).select_related("area", "person")
    for consent in soon:
        yield Raise(target=consent, area=consent.area,
                    title=_("Consent for %(who)s expires on %(day)s") % {"who": consent.person, "day": consent.expires_on},
                    due_date=consent.expires_on, url=consent.get_absolute_url())


@check("child_care.rescue_follow_up_overdue")
def rescue_follow_up_overdue(today):
    from .models import FollowUp

    late = FollowUp.objects.filter(done_on__isnull=True, due_on__lt=today, case__status="accepted").select_related(
        "area", "case__person")
    for follow_up in late.iterator(chunk_size=2000):
        yield Raise(target=follow_up, area=follow_up.area, severity=Severity.SERIOUS,
                    title=_("Rescue follow-up of %(who)s overdue since %(day)s")
                    % {"who": follow_up.case.person, "day": follow_up.due_on},
                    due_date=add_working_days(follow_up.due_on, VISIT_GRACE_WORKING_DAYS), url=follow_up.get_absolute_url())


@check("child_care.guidance_follow_up_due")
def guidance_follow_up_due(today):
    """A guardianship guidance (监护督促) whose follow-up day has come, with no later guidance of the same
    guardian for the child: in the village's inbox until the follow-up is recorded (a new guidance)."""
    from django.db.models import Exists, F, OuterRef

    from .models import Guidance

    later = Guidance.objects.filter(person=OuterRef("person"), guardian=OuterRef("guardian"),
                                    done_on__gte=OuterRef("follow_up_on")).exclude(pk=OuterRef("pk"))
    due = (Guidance.objects.filter(follow_up_on__isnull=False, follow_up_on__lte=today, done_on__lt=F("follow_up_on"))
           .exclude(Exists(later)).select_related("area", "person"))
    for guidance in due.iterator(chunk_size=2000):
        yield Raise(target=guidance, area=guidance.area,
                    title=_("Guardianship follow-up for %(who)s due on %(day)s")
                    % {"who": guidance.person, "day": guidance.follow_up_on},
                    due_date=add_working_days(guidance.follow_up_on, VISIT_GRACE_WORKING_DAYS),
                    url=guidance.get_absolute_url())


# --- kept reveals of children's personal data ----------------------------------------------------------
REVEAL_NOTICE_DAYS = 7
# Only reveals kept for at least a day are supervised: the record page's 15-minute reveal (services.REVEAL_KEEP)
# lapses within the sitting and needs no one's attention.
REVEAL_SUPERVISED_KEEP = datetime.timedelta(days=1)


def _kept_reveals(grants):
    """(grant, record) for the kept reveals of child-care records among ``grants`` (core.RevealGrant), not
    renewed by a later grant of the same user for the same field; a record since deleted is left out."""
    from django.apps import apps
    from django.db.models import Exists, F, OuterRef

    from core.models import RevealGrant

    later = RevealGrant.objects.filter(user=OuterRef("user"), target_type=OuterRef("target_type"),
                                       target_id=OuterRef("target_id"), field=OuterRef("field"),
                                       expires_at__gt=OuterRef("expires_at"))
    grants = list(grants.filter(target_type__startswith="child_care.",
                                expires_at__gte=F("granted_at") + REVEAL_SUPERVISED_KEEP)
                  .exclude(Exists(later)).select_related("user"))
    by_type: dict[str, set[str]] = {}
    for grant in grants:
        by_type.setdefault(grant.target_type, set()).add(grant.target_id)
    records = {}
    for label, ids in by_type.items():
        model = apps.get_model(label)
        for obj in model._default_manager.filter(pk__in=ids).select_related("area"):
            records[(label, str(obj.pk))] = obj
    for grant in grants:
        record = records.get((grant.target_type, grant.target_id))
        if record is not None and getattr(record, "area", None) is not None:
            yield grant, record


def _field_label(record, name):
    from django.core.exceptions import FieldDoesNotExist

    try:
        return str(record._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field since renamed: its name is still better than nothing
        return name


def _when(moment):
    from django.utils import timezone

    return timezone.localdate(moment)


@check("child_care.reveal_expiring")
def reveal_expiring(today):
    """A kept reveal of a child's personal data that lapses within seven days: whoever needs it on must
    reveal again with a fresh reason (renewing it closes the finding)."""
    from django.utils import timezone

    from core.models import RevealGrant

    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    soon = RevealGrant.objects.filter(expires_at__gt=timezone.now(),
                                      expires_at__lt=start + datetime.timedelta(days=REVEAL_NOTICE_DAYS + 1))
    for grant, record in _kept_reveals(soon):
        yield Raise(target=grant, area=record.area,
                    title=_("Reveal of %(field)s of %(who)s to %(user)s expires on %(day)s")
                    % {"field": _field_label(record, grant.field), "who": record, "user": grant.user, "day": _when(grant.expires_at)},
                    detail=grant.reason, due_date=_when(grant.expires_at), url=record.get_absolute_url())


@check("child_care.reveal_lapsed")
def reveal_lapsed(today):
    """A kept reveal of a child's personal data that lapsed in the last seven days without renewal: the
    record's officers see whose access ended (the finding closes by itself after the week, or on renewal)."""
    from django.utils import timezone

    from core.models import RevealGrant

    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    lapsed = RevealGrant.objects.filter(expires_at__lt=timezone.now(),
                                        expires_at__gte=start - datetime.timedelta(days=REVEAL_NOTICE_DAYS))
    for grant, record in _kept_reveals(lapsed):
        yield Raise(target=grant, area=record.area, severity=Severity.INFO,
                    title=_("Reveal of %(field)s of %(who)s to %(user)s lapsed on %(day)s without renewal")
                    % {"field": _field_label(record, grant.field), "who": record, "user": grant.user, "day": _when(grant.expires_at)},
                    detail=grant.reason, due_date=today + datetime.timedelta(days=REVEAL_NOTICE_DAYS),
                    url=record.get_absolute_url())
