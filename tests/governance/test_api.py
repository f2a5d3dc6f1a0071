"""Every governance endpoint passes the foundation's persona/scope/audit matrix, and a refused
transition answers 409 with the reason."""

import datetime

from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from governance import services
from governance.choices import BodyKind, Capacity, DisputeOutcome, DisputeType, PublicationKind, Stage
from governance.models import Matter, PointsEntry
from tests.factories.governance import Walker, category, raise_matter
from tests.scoped import API


class _ReadOnly(API.ReadOnly):
    """Read-only endpoints (their writes are transitions, tested in test_transition_matrix)."""


class TestMatterAPI(API.List, API.Detail, API.Create, API.Update, API.ReadOnlyPersonaCannotWrite):
    basename = "governance-matter"
    audit_action_prefix = "governance.matter."
    read_only_persona = "auditor"

    def make_object(self, world):
        return raise_matter(world.community_a)

    def create_payload(self, world):
        return {"area": world.community_a.code, "title": "楼道灯不亮", "category": category().pk,
                "raised_by_name": "王五", "channel": "phone"}

    def update_payload(self, world, obj):
        return {"title": obj.title + "（更正）"}


class TestDisputeAPI(API.List, API.Detail, API.Create, API.Update, API.ReadOnlyPersonaCannotWrite):
    basename = "governance-dispute"
    audit_action_prefix = "governance.dispute."
    read_only_persona = "auditor"

    def make_object(self, world):
        return services.register_dispute(actor=None, area=world.community_a, parties="甲、乙",
                                         dispute_type=DisputeType.NEIGHBOUR, mediator="调解员",
                                         received_on=datetime.date(2020, 3, 1))

    def create_payload(self, world):
        return {"area": world.community_a.code, "parties": "甲、乙", "dispute_type": "neighbour",
                "mediator": "调解员", "received_on": "2020-03-01"}

    def update_payload(self, world, obj):
        return {"outcome": DisputeOutcome.RESOLVED, "resolved_on": "2020-03-05", "agreement": "协议"}


class TestMatterSupportAPI(API.Transition):
    basename = "governance-matter"
    transition = "support"
    audit_action_prefix = "governance.matter."

    def make_object(self, world):
        return raise_matter(world.community_a)

    def transition_payload(self, world, obj):
        return {"name": "李四"}


class TestMatterWithdrawAPI(API.Transition):
    basename = "governance-matter"
    transition = "withdraw"
    audit_action_prefix = "governance.matter."

    def make_object(self, world):
        return raise_matter(world.community_a)

    def transition_payload(self, world, obj):
        return {"reason": "已自行解决"}


class TestBodyMemberAPI(API.List, API.Detail, API.Create, API.ReadOnlyPersonaCannotWrite):
    basename = "governance-bodymember"
    audit_action_prefix = "governance.member."
    read_only_persona = "auditor"

    def make_object(self, world):
        return services.add_body_member(actor=None, area=world.community_a, capacity=Capacity.TWO_COMMITTEES,
                                        name="赵六", term_start=datetime.date(2021, 1, 1))

    def create_payload(self, world):
        return {"area": world.community_a.code, "capacity": "supervision_committee", "name": "钱七",
                "term_start": "2021-01-01"}


def _walker(world):
    if not hasattr(world, "_walker"):
        world._walker = Walker(world.community_a)
    return world._walker


class TestMeetingAPI(_ReadOnly):
    basename = "governance-meeting"

    def make_object(self, world):
        return _walker(world).to(Stage.DELIBERATING).meetings.get()


class TestBallotAPI(_ReadOnly):
    basename = "governance-ballot"

    def make_object(self, world):
        return _walker(world).to(Stage.DECIDED).meetings.get().ballots.get()


class TestPublicationAPI(_ReadOnly):
    basename = "governance-publication"

    def make_object(self, world):
        return _walker(world).to(Stage.IMPLEMENTING, major=True).publications.get()


class TestProjectAPI(_ReadOnly):
    basename = "governance-project"

    def make_object(self, world):
        return _walker(world).to(Stage.IMPLEMENTING).project


class TestTaskAPI(_ReadOnly):
    basename = "governance-task"

    def make_object(self, world):
        project = _walker(world).to(Stage.IMPLEMENTING).project
        return services.add_task(actor=None, project=project, title="修灯", assignee="物业",
                                 due_on=timezone.localdate())


class TestEvaluationRoundAPI(_ReadOnly):
    basename = "governance-evaluationround"

    def make_object(self, world):
        return _walker(world).to(Stage.EVALUATING).evaluation_rounds.get()


class TestObjectionAPI(_ReadOnly):
    basename = "governance-objection"

    def make_object(self, world):
        w = _walker(world)
        return services.object_to_matter(actor=w.supervisor, matter=raise_matter(world.community_a), text="程序不当")


class TestPointsAPI(_ReadOnly):
    basename = "governance-pointsentry"

    def make_object(self, world):
        _walker(world).to(Stage.DECIDED)
        return PointsEntry.objects.filter(event="attendance").first()

    def make_many(self, world, n):
        for _ in range(max(1, n // 6)):
            _walker(world).to(Stage.DECIDED)


def _url(name, obj):
    return reverse(f"api:governance-{name}", args=[obj.pk])


def test_a_refused_transition_answers_409_with_the_reason(world, api):
    w = _walker(world)
    matter = raise_matter(world.community_a)
    response = api(w.worker).post(_url("matter-accept", matter), {}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "transition_refused"
    assert "两委" in response.json()["error"]["message"] or "two committees" in response.json()["error"]["message"]
    assert Matter.objects.get(pk=matter.pk).stage == Stage.RAISED


def test_the_committee_accepts_through_the_api_and_it_is_audited(world, api):
    w = _walker(world)
    matter = raise_matter(world.community_a)
    response = api(w.committee).post(_url("matter-accept", matter), {"reason": "列入议程"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == Stage.ACCEPTED
    assert AuditEvent.objects.filter(actor=w.committee, action="governance.matter.accept").exists()


def test_an_out_of_scope_transition_is_404(world, api):
    matter = raise_matter(world.community_a)
    assert api(world.officer_b).post(_url("matter-support", matter), {"name": "x"}, format="json").status_code == 404


def test_a_read_only_user_cannot_transition(world, api):
    matter = raise_matter(world.community_a)
    assert api(world.auditor).post(_url("matter-support", matter), {"name": "x"}, format="json").status_code == 403


def test_a_secret_ballot_hides_its_counts_until_closed(world, api):
    w = _walker(world)
    matter = w.to(Stage.ACCEPTED)
    meeting = services.schedule_meeting(actor=w.worker, matter=matter, body_kind=BodyKind.CONSULTATION_COUNCIL,
                                        scheduled_at=timezone.now(), location="x", agenda="x", eligible=5)
    for i in range(3):
        services.record_attendance(actor=w.worker, meeting=meeting, name=f"p{i}", category="resident")
    client = api(w.worker)
    ballot = client.post(_url("meeting-open-ballot", meeting), {"motion": "m", "method": "secret"}, format="json")
    assert ballot.status_code == 200, ballot.content
    pk = ballot.json()["id"]
    tallied = client.post(reverse("api:governance-ballot-tally", args=[pk]), {"votes_for": 2}, format="json")
    assert tallied.json()["votes_for"] is None
    closed = client.post(reverse("api:governance-ballot-close", args=[pk]), {}, format="json")
    assert closed.json()["votes_for"] == 2 and closed.json()["passed"] is True
    too_many = client.post(reverse("api:governance-ballot-tally", args=[pk]), {"votes_for": 1}, format="json")
    assert too_many.status_code == 409


def test_the_supervision_committee_countersigns_through_the_api(world, api):
    w = _walker(world)
    matter = w.to(Stage.DECIDED, major=True)
    posted = api(w.worker).post(_url("matter-post-publication", matter), {
        "kind": PublicationKind.RESOLUTION, "content": "决议全文", "photo_taken_at": timezone.now().isoformat()},
        format="json")
    assert posted.status_code == 200, posted.content
    pk = posted.json()["id"]
    assert api(w.worker).post(reverse("api:governance-publication-countersign", args=[pk])).status_code == 409
    signed = api(w.supervisor).post(reverse("api:governance-publication-countersign", args=[pk]))
    assert signed.status_code == 200 and signed.json()["countersigned_at"]


class TestCadreReviewAPI(_ReadOnly):
    basename = "governance-cadrereview"

    def make_object(self, world):
        member = services.add_body_member(actor=None, area=world.community_a, capacity=Capacity.TWO_COMMITTEES,
                                          name=f"委员{AuditEvent.objects.count()}",
                                          term_start=datetime.date(2018, 1, 1))
        return services.submit_cadre_report(actor=None, member=member, year=2020, report="述职")


def test_ratings_are_recorded_and_concluded_through_the_api(world, api):
    review = TestCadreReviewAPI().make_object(world)
    client = api(world.worker_a)
    url = reverse("api:governance-cadrereview-rate", args=[review.pk])
    assert client.post(url, {"rater_group": "党员", "competent": 30, "basically": 5}, format="json").status_code == 200
    assert client.post(url, {"rater_group": "党员", "competent": 1}, format="json").status_code == 409
    done = client.post(reverse("api:governance-cadrereview-conclude", args=[review.pk]))
    assert done.json()["verdict"] == "competent"
    assert api(world.officer_b).post(url, {"rater_group": "x"}, format="json").status_code == 404
