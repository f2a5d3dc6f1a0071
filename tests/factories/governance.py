"""Governance factories: seats on bodies, and matters walked to a stage through the real services."""

import datetime
import itertools

from django.utils import timezone

from core.choices import Role
from governance import services
from governance.choices import BodyKind, Capacity, ParticipantCategory, PublicationKind, Stage, StepKind, Track
from governance.models import Category, CommunitySetting, QuorumRule
from tests.factories import grant, staff

_seq = itertools.count(1)
YESTERDAY = datetime.timedelta(days=1)


def category(major=False) -> Category:
    return Category.objects.get(name="公益事业建设" if major else "环境卫生")


def member(area, capacity, username=None, name=None):
    """A staff user (community worker of ``area``) seated on a body of the community."""
    n = next(_seq)
    username = username or f"{capacity}_{n}"
    user = staff(username, Role.COMMUNITY_WORKER, area)
    services.add_body_member(actor=None, area=area, capacity=capacity, name=name or f"委员{n}", user=user,
                             term_start=timezone.localdate() - datetime.timedelta(days=365))
    return user


def committee(area, username=None):
    return member(area, Capacity.TWO_COMMITTEES, username)


def supervisor(area, username=None):
    return member(area, Capacity.SUPERVISION_COMMITTEE, username)


def worker(area, username=None):
    return staff(username or f"gworker_{next(_seq)}", Role.COMMUNITY_WORKER, area)


def setting(area, **values):
    defaults = {"adults": 100, "households": 40, "representatives": 30, "party_members": 20,
                "committee_members": 7}
    defaults.update(values)
    return services.save_community_setting(actor=None, area=area, **defaults)


def no_notice():
    """Tests hold meetings today: the lead time is data, set to zero here."""
    QuorumRule.objects.update(notice_days=0)


def raise_matter(area, actor=None, major=False, title=None, **kwargs):
    return services.raise_matter(actor=actor, area=area, title=title or f"议题{next(_seq)}",
                                 category=category(major), raised_by_name="张三", **kwargs)


class Walker:
    """Drives a matter through the six steps as the right people would."""

    def __init__(self, area):
        self.area = area
        if not CommunitySetting.objects.filter(area=area).exists():
            setting(area)
        no_notice()
        self.committee = committee(area)
        self.supervisor = supervisor(area)
        self.worker = worker(area)

    def meeting(self, matter, body_kind, attendees, votes_for, step_kind=None, eligible=None):
        m = services.schedule_meeting(actor=self.worker, matter=matter, body_kind=body_kind,
                                      scheduled_at=timezone.now(), location="议事厅", agenda="议程",
                                      step_kind=step_kind, eligible=eligible)
        return self.vote(m, attendees, votes_for)

    def vote(self, m, attendees, votes_for):
        for i in range(attendees):
            services.record_attendance(actor=self.worker, meeting=m, name=f"居民{i}",
                                       category=ParticipantCategory.RESIDENT, household=f"户{i}")
        b = services.open_ballot(actor=self.worker, meeting=m, motion="同意")
        services.tally_ballot(actor=self.worker, ballot=b, votes_for=votes_for,
                              votes_against=attendees - votes_for)
        return services.close_ballot(actor=self.worker, ballot=b)

    def decide(self, matter):
        if matter.track == Track.CONSULTATION:
            self.meeting(matter, BodyKind.CONSULTATION_COUNCIL, 6, 5, eligible=10)
            return
        self.meeting(matter, BodyKind.PARTY_ORG, 5, 5, StepKind.PARTY_PROPOSAL)
        self.meeting(matter, BodyKind.TWO_COMMITTEES, 5, 5, StepKind.COMMITTEES_DISCUSS)
        self.meeting(matter, BodyKind.PARTY_MEMBERS_ASSEMBLY, 15, 12, StepKind.PARTY_MEMBERS_REVIEW)
        self.meeting(matter, BodyKind.RESIDENTS_ASSEMBLY, 60, 40, StepKind.ASSEMBLY_RESOLVES)

    def publish(self, matter, kind):
        p = services.post_publication(actor=self.worker, matter=matter, kind=kind, content="公示内容",
                                      photo_taken_at=timezone.now())
        return services.countersign_publication(actor=self.supervisor, publication=p)

    def implement(self, matter):
        if matter.is_major:
            self.publish(matter, PublicationKind.RESOLUTION)
        return services.start_implementation(actor=self.committee, matter=matter, title="项目", lead_body="居委会",
                                             partners=[{"name": "物业公司", "category": "property_company"}])

    def finish_tasks(self, matter):
        project = matter.project
        if not project.tasks.exists():
            services.add_task(actor=self.worker, project=project, title="施工", assignee="物业公司",
                              due_on=timezone.localdate(), weight=2)
        for t in project.tasks.filter(done_at__isnull=True):
            services.complete_task(actor=self.worker, task=t, evidence="照片")
        if matter.is_major:
            self.publish(matter, PublicationKind.RESULT)

    def evaluate(self, matter):
        return services.open_evaluation(actor=self.worker, matter=matter,
                                        closes_at=timezone.now() + datetime.timedelta(days=7), min_responses=3)

    def to(self, stage, major=False) -> "object":
        """A fresh matter at ``stage``."""
        matter = raise_matter(self.area, actor=self.worker, major=major)
        steps = [Stage.RAISED, Stage.ACCEPTED, Stage.DELIBERATING, Stage.DECIDED, Stage.IMPLEMENTING,
                 Stage.EVALUATING, Stage.CLOSED]
        target = steps.index(stage) if stage in steps else None
        if stage in (Stage.DECLINED, Stage.MERGED, Stage.REFERRED, Stage.WITHDRAWN):
            if stage == Stage.DECLINED:
                services.decline_matter(actor=self.committee, matter=matter, reason="不属于社区职责")
            elif stage == Stage.REFERRED:
                services.refer_matter(actor=self.committee, matter=matter, to="区城管局")
            elif stage == Stage.WITHDRAWN:
                services.withdraw_matter(actor=self.worker, matter=matter)
            else:
                other = raise_matter(self.area, actor=self.worker)
                services.merge_matter(actor=self.committee, matter=matter, into=other)
            return refresh(matter)
        if target >= 1:
            services.accept_matter(actor=self.committee, matter=matter)
        if target >= 2:
            if matter.is_major:
                self.meeting(matter, BodyKind.PARTY_ORG, 5, 5, StepKind.PARTY_PROPOSAL)
            else:
                services.schedule_meeting(actor=self.worker, matter=matter, body_kind=BodyKind.CONSULTATION_COUNCIL,
                                          scheduled_at=timezone.now(), location="议事厅", agenda="议程", eligible=10)
        if target >= 3:
            matter = refresh(matter)
            if matter.is_major:
                self.meeting(matter, BodyKind.TWO_COMMITTEES, 5, 5, StepKind.COMMITTEES_DISCUSS)
                self.meeting(matter, BodyKind.PARTY_MEMBERS_ASSEMBLY, 15, 12, StepKind.PARTY_MEMBERS_REVIEW)
                self.meeting(matter, BodyKind.RESIDENTS_ASSEMBLY, 60, 40, StepKind.ASSEMBLY_RESOLVES)
            else:
                self.vote(matter.meetings.get(), 6, 5)
        if target >= 4:
            self.implement(refresh(matter))
        if target >= 5:
            matter = refresh(matter)
            self.finish_tasks(matter)
            self.evaluate(refresh(matter))
        if target >= 6:
            rnd = refresh(matter).evaluation_rounds.get(closed_at__isnull=True)
            for i in range(3):
                services.record_evaluation(actor=self.worker, round=rnd, respondent=f"评议人{i}", score=5)
            services.close_evaluation(actor=self.committee, round=rnd)
        return refresh(matter)


def refresh(matter):
    matter.refresh_from_db()
    return matter


def grant_worker(user, area):
    grant(user, Role.COMMUNITY_WORKER, area)
