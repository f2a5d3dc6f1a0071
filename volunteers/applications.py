"""Residents register themselves as volunteers (自愿注册, issue 16); the area's volunteer officer decides.

``submit_application`` is called by the public page: there is no signed-in actor, so its one audit
event is labelled as the public page's (with the request's id) instead of "system". It never says
whether the ID number is already registered (no existence oracle): a duplicate is stored like any
other registration and answered the same way; the officer sees the clash when deciding.

``decide_application`` is the officer's step: approval registers the volunteer through
``services.register_volunteer`` (the registry's own rules and audit) and, when the officer gives a
user name, opens the volunteer's own account through ``services.create_volunteer_account``.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import TransitionRefused
from core.personal import age_on, index_lookup, str_plain, validate_id_number
from core.recorded import create_recorded, require_scope, update_recorded

from . import services
from .choices import ApplicationStatus
from .models import Volunteer, VolunteerApplication

PUBLIC_ACTOR_LABEL = "public page (self-registration)"
HOME_LEVELS = ("community", "grid")


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def check_applicant(*, id_number: str, guardian_name: str, guardian_consent: bool, on: datetime.date) -> str:
    """The applicant's own facts against the registration rules (注册办法 Art. 7); returns the
    normalised ID number. Under 14: refused; 14–17: a guardian named and consenting."""
    try:
        number = validate_id_number(str_plain(id_number))
    except ValidationError as exc:
        raise _refuse("id_number", exc.messages[0])
    age = age_on(number, on)
    if age < services.MIN_AGE:
        raise _refuse("id_number", _("Children under 14 cannot register as volunteers themselves; a guardian may "
                                     "take part with them in family volunteering."))
    if age < services.ADULT_AGE:
        if not (guardian_name or "").strip():
            raise _refuse("guardian_name", _("Aged 14–17: name the guardian who consents."))
        if not guardian_consent:
            raise _refuse("guardian_consent", _("Aged 14–17: the guardian's consent is needed."))
    return number


@transaction.atomic
def submit_application(*, name: str, id_number: str, phone: str, area, service_fields: str, skills: str = "",
                       guardian_name: str = "", guardian_consent: bool = False,
                       data_consent: bool = False) -> VolunteerApplication:
    """Store a resident's registration for review and audit it (the public page's label)."""
    if not data_consent:
        raise _refuse("data_consent", _("Registration needs your consent to the use of your personal data."))
    if area is None or area.level not in HOME_LEVELS:
        raise _refuse("area", _("Choose the community or village you will serve in."))
    if not (name or "").strip():
        raise _refuse("name", _("Give your real name."))
    if not (service_fields or "").strip():
        raise _refuse("service_fields", _("Choose at least one kind of service."))
    now = timezone.now()
    number = check_applicant(id_number=id_number, guardian_name=guardian_name, guardian_consent=guardian_consent,
                             on=timezone.localdate(now))
    application = VolunteerApplication(
        name=name.strip(), id_number=number, phone=(phone or "").strip(), area=area,
        service_fields=service_fields.strip(), skills=(skills or "").strip(),
        guardian_name=(guardian_name or "").strip() if guardian_consent else "",
        guardian_consent=bool(guardian_consent), data_consent_at=now)
    # No actor with a scope: a resident on the public page, named so in the audit log.
    return create_recorded(application, actor=None, by=PUBLIC_ACTOR_LABEL, action="volunteers.application.submit",
                           exclude=["id_number_index"])


def already_registered(application) -> Volunteer | None:
    """The registered volunteer with this applicant's ID number, if any (shown to the deciding officer)."""
    return Volunteer.objects.filter(**index_lookup(Volunteer, "id_number", str_plain(application.id_number))).first()


DECISIONS = ("approve", "refuse")


@transaction.atomic
def decide_application(*, actor, application, decision: str, reason: str = "", username: str = ""):
    """Approve (registers the volunteer, and opens their account when ``username`` is given) or refuse
    (with the reason) a pending self-registration. Returns (application, account user or None,
    first password or None); the password is shown once to the officer and never stored."""
    if decision not in DECISIONS:
        raise _refuse("decision", _("Approve or refuse."))
    reason = (reason or "").strip()
    application = VolunteerApplication.objects.select_for_update().select_related("area").get(pk=application.pk)
    require_scope(actor, VolunteerApplication, "change", application.area)  # 404 before anything is told

    def pending(application):
        if application.status != ApplicationStatus.PENDING:
            raise TransitionRefused(_("This registration has already been decided."))

    pending(application)
    values = {"decided_by": actor if actor is not None and actor.pk else None, "decided_at": timezone.now(),
              "decision_reason": reason}
    user = password = None
    if decision == "refuse":
        if len(reason) < 2:
            raise _refuse("reason", _("Say why the registration is refused; the applicant is told."))
        values["status"] = ApplicationStatus.REFUSED
    else:
        if already_registered(application) is not None:
            raise TransitionRefused(_("This person is already registered as a volunteer; refuse this registration "
                                      "with that reason."))
        volunteer = services.register_volunteer(
            actor=actor, name=application.name, id_number=str_plain(application.id_number), area=application.area,
            phone=str_plain(application.phone), skills=application.skills,
            service_fields=application.service_fields, guardian_name=application.guardian_name,
            guardian_consent_on=timezone.localdate(application.data_consent_at) if application.guardian_consent else None)
        values.update(status=ApplicationStatus.APPROVED, volunteer=volunteer)
        if (username or "").strip():
            user, password = services.create_volunteer_account(actor=actor, volunteer=volunteer, username=username)
    application = update_recorded(application, values, allowed=tuple(values), actor=actor,
                                  action=f"volunteers.application.{decision}", reason=reason, check=pending,
                                  exclude=["id_number_index"])
    return application, user, password
