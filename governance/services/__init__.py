"""Every write of community consultation, one function per transition, one module per aggregate.

Each function takes keyword-only arguments with an ``actor`` (None for the system: demo loader,
scheduled checks), runs in one transaction, checks scope (404) and permission (403), then the
procedure's guards: a step the rules do not allow now raises ``TransitionRefused`` with the
reason the user sees (409 in the API, a message on pages). One audit event per change.

Every public name is re-exported here: ``from governance import services; services.accept_matter``.
"""

from ._base import (
    CONSULTATION_BODIES,
    OBJECTION_RESPONSE_DAYS,
    RECTIFICATION_DAYS,
    STEP_BODIES,
    seat,
)
from .ballots import (
    close_ballot,
    correct_ballot,
    open_ballot,
    tally_ballot,
)
from .cadre_reviews import (
    conclude_cadre_review,
    record_cadre_ratings,
    submit_cadre_report,
)
from .disputes import (
    DISPUTE_FIELDS,
    DISPUTE_POINTS_EVENT,
    award_dispute_points,
    disputes_due_points,
    import_disputes,
    register_dispute,
    reopen_dispute,
    resolve_dispute,
    update_dispute,
)
from .evaluations import (
    close_evaluation,
    community_grids,
    open_evaluation,
    record_evaluation,
    round_half,
)
from .matters import (
    accept_matter,
    add_attachment,
    decline_matter,
    merge_first_steps,
    merge_matter,
    raise_matter,
    record_file_download,
    refer_matter,
    support_matter,
    update_matter,
    withdraw_matter,
)
from .meetings import (
    ROSTER_BODIES,
    record_attendance,
    roster,
    rule_for,
    save_minutes,
    schedule_meeting,
    sign_minutes,
)
from .objections import (
    object_to_matter,
    respond_to_objection,
)
from .points import (
    POINTS,
    reverse_points,
)
from .projects import (
    add_milestone,
    add_task,
    complete_task,
    start_implementation,
)
from .publications import (
    countersign_publication,
    post_publication,
)
from .reference import (
    CATEGORY_FIELDS,
    QUORUM_FIELDS,
    save_category,
    save_quorum_rule,
    save_reference,
)
from .rosters import (
    SETTING_FIELDS,
    add_body_member,
    create_community_setting,
    save_community_setting,
    update_community_setting,
)

__all__ = [
    "STEP_BODIES",
    "CONSULTATION_BODIES",
    "RECTIFICATION_DAYS",
    "OBJECTION_RESPONSE_DAYS",
    "seat",
    "POINTS",
    "reverse_points",
    "raise_matter",
    "update_matter",
    "support_matter",
    "withdraw_matter",
    "accept_matter",
    "decline_matter",
    "merge_matter",
    "refer_matter",
    "merge_first_steps",
    "add_attachment",
    "record_file_download",
    "rule_for",
    "roster",
    "ROSTER_BODIES",
    "schedule_meeting",
    "record_attendance",
    "save_minutes",
    "sign_minutes",
    "open_ballot",
    "tally_ballot",
    "close_ballot",
    "correct_ballot",
    "post_publication",
    "countersign_publication",
    "start_implementation",
    "add_task",
    "complete_task",
    "add_milestone",
    "community_grids",
    "open_evaluation",
    "record_evaluation",
    "close_evaluation",
    "round_half",
    "add_body_member",
    "save_community_setting",
    "SETTING_FIELDS",
    "create_community_setting",
    "update_community_setting",
    "object_to_matter",
    "respond_to_objection",
    "DISPUTE_FIELDS",
    "register_dispute",
    "update_dispute",
    "reopen_dispute",
    "resolve_dispute",
    "DISPUTE_POINTS_EVENT",
    "disputes_due_points",
    "award_dispute_points",
    "import_disputes",
    "save_reference",
    "CATEGORY_FIELDS",
    "QUORUM_FIELDS",
    "save_category",
    "save_quorum_rule",
    "submit_cadre_report",
    "record_cadre_ratings",
    "conclude_cadre_review",
]
