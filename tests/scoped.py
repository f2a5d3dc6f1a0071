"""Scope, permission and audit tests every endpoint and list page gets for free.

Compose what an endpoint or page actually offers, as NetBox's ``APIViewTestCases`` do, so that
nothing inapplicable is collected (and a skip always means something is missing):

    class TestTeamAPI(API.List, API.Detail, API.Create, API.Update, API.ReadOnlyPersonaCannotWrite):
        basename = "volunteers-team"
        ...

    class TestTeamPages(Pages.List, Pages.Detail, Pages.Export):
        list_url_name = "volunteers:team-list"
        ...

Every mixin brings the persona matrix for its operation: anonymous → 401 (API) / sign-in redirect
(page), no role → 403, the other district's officer → 404 on detail/update/delete/transition and
absent from lists, filtered lists and exports, in scope → works and leaves an audit row, and a
list's query count does not grow with its rows. ``API.ReadOnly`` and ``API.CRUD`` are the usual
bundles. ``tests/test_routes.py`` fails on any route that no such class (or an explicit public
allow-list) covers.

The ``world`` fixture (tests/conftest.py) provides the territory and the personas; by default
objects are made in district A, ``officer_a`` is in scope, ``officer_b`` is out of scope,
``outsider`` has no role at all.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent


def assert_constant_queries(case, world, client, url):
    """A list issues as many queries for 12 rows as for 3 (N+1 guard: a query per row would be 9 more;
    more rows only cost time, some objects are whole governance procedures)."""
    case.make_many(world, 3)
    client.get(url)  # warm up: scope and session set-up happen once per user
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    case.make_many(world, 9)
    client.get(url)  # again: new areas or grants make every process re-read what it kept
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


class _Personas:
    pytestmark = [pytest.mark.django_db]

    in_scope_persona = "officer_a"
    out_of_scope_persona = "officer_b"
    no_permission_persona = "outsider"
    # A persona who may view but not change (403 on writes); None to skip that test.
    read_only_persona = None

    def persona(self, world, name):
        return getattr(world, name)

    def make_object(self, world):
        """An object inside district A."""
        raise NotImplementedError

    def make_many(self, world, n):
        """``n`` objects inside district A, with their related rows (for the query-count guard)."""
        return [self.make_object(world) for _ in range(n)]


class _API(_Personas):
    """What every API mixin shares: URLs, reading rows, and the two refusals of any endpoint."""

    basename: str = ""  # router basename: reverse(f"api:{basename}-list")
    lookup_attr: str = "pk"
    list_filter_params: dict = {}  # a filter under which the object would show in the list
    audit_action_prefix = ""  # e.g. "core.area."

    def create_payload(self, world) -> dict:
        raise NotImplementedError

    def update_payload(self, world, obj) -> dict:
        raise NotImplementedError

    def list_url(self):
        return reverse(f"api:{self.basename}-list")

    def detail_url(self, obj):
        return reverse(f"api:{self.basename}-detail", args=[getattr(obj, self.lookup_attr)])

    @staticmethod
    def _rows(response):
        data = response.json()
        return data["results"] if isinstance(data, dict) and "results" in data else data

    def _ids(self, response):
        return {str(row.get(self.lookup_attr, row.get("id"))) for row in self._rows(response)}

    def test_anonymous_is_refused_with_401(self, world, api):
        response = api().get(self.list_url())
        assert response.status_code == 401, (response.status_code, dict(response.items()))
        assert response.json()["error"]["status"] == 401

    def test_user_without_a_role_is_refused_with_403(self, world, api):
        response = api(self.persona(world, self.no_permission_persona)).get(self.list_url())
        assert response.status_code == 403


class API:
    """Composable persona tests for a DRF viewset: take the mixins of the operations it offers."""

    class List(_API):
        def test_in_scope_user_sees_the_object_in_the_list(self, world, api):
            obj = self.make_object(world)
            listed = api(self.persona(world, self.in_scope_persona)).get(self.list_url(), self.list_filter_params)
            assert listed.status_code == 200
            assert str(getattr(obj, self.lookup_attr)) in self._ids(listed)

        def test_out_of_scope_user_does_not_find_it_in_the_list_filtered_or_not(self, world, api):
            obj = self.make_object(world)
            client = api(self.persona(world, self.out_of_scope_persona))
            assert str(getattr(obj, self.lookup_attr)) not in self._ids(client.get(self.list_url()))
            filtered = client.get(self.list_url(), self.list_filter_params)
            if filtered.status_code == 200:
                assert str(getattr(obj, self.lookup_attr)) not in self._ids(filtered)

        def test_list_query_count_does_not_grow_with_rows(self, world, api):
            assert_constant_queries(self, world, api(self.persona(world, self.in_scope_persona)), self.list_url())

    class Detail(_API):
        def test_in_scope_user_reads_the_object(self, world, api):
            obj = self.make_object(world)
            assert api(self.persona(world, self.in_scope_persona)).get(self.detail_url(obj)).status_code == 200

        def test_out_of_scope_user_gets_404(self, world, api):
            obj = self.make_object(world)
            assert api(self.persona(world, self.out_of_scope_persona)).get(self.detail_url(obj)).status_code == 404

    class Create(_API):
        def test_in_scope_create_leaves_an_audit_row(self, world, api):
            user = self.persona(world, self.in_scope_persona)
            before = AuditEvent.objects.filter(actor=user).count()
            response = api(user).post(self.list_url(), self.create_payload(world), format="json")
            assert response.status_code == 201, response.content
            assert AuditEvent.objects.filter(actor=user, action__startswith=self.audit_action_prefix).count() > before

    class Update(_API):
        def test_in_scope_update_leaves_an_audit_row(self, world, api):
            obj = self.make_object(world)
            user = self.persona(world, self.in_scope_persona)
            response = api(user).patch(self.detail_url(obj), self.update_payload(world, obj), format="json")
            assert response.status_code == 200, response.content
            assert AuditEvent.objects.filter(actor=user, target_id=str(obj.pk),
                                             action__startswith=self.audit_action_prefix).exists()

        def test_out_of_scope_user_cannot_update(self, world, api):
            obj = self.make_object(world)
            client = api(self.persona(world, self.out_of_scope_persona))
            before = AuditEvent.objects.count()
            assert client.patch(self.detail_url(obj), self.update_payload(world, obj), format="json").status_code == 404
            assert AuditEvent.objects.count() == before

    class Delete(_API):
        def test_in_scope_delete_leaves_an_audit_row(self, world, api):
            obj = self.make_object(world)
            user = self.persona(world, self.in_scope_persona)
            response = api(user).delete(self.detail_url(obj))
            assert response.status_code == 204, response.content
            assert AuditEvent.objects.filter(actor=user, target_id=str(obj.pk)).exists()

        def test_out_of_scope_user_cannot_delete(self, world, api):
            obj = self.make_object(world)
            client = api(self.persona(world, self.out_of_scope_persona))
            before = AuditEvent.objects.count()
            assert client.delete(self.detail_url(obj)).status_code == 404
            assert AuditEvent.objects.count() == before

    class Transition(_API):
        """A POST action on one object (a step of a workflow): the other district's officer gets 404
        before any state is looked at, and nothing is written; in scope it works and is audited."""

        transition: str = ""  # the action's URL name: reverse(f"api:{basename}-{transition}")
        transition_status = 200

        def transition_payload(self, world, obj) -> dict:
            return {}

        def transition_url(self, obj):
            return reverse(f"api:{self.basename}-{self.transition}", args=[getattr(obj, self.lookup_attr)])

        def test_out_of_scope_user_cannot_take_the_transition(self, world, api):
            obj = self.make_object(world)
            client = api(self.persona(world, self.out_of_scope_persona))
            before = AuditEvent.objects.count()
            response = client.post(self.transition_url(obj), self.transition_payload(world, obj), format="json")
            assert response.status_code == 404, response.content
            assert AuditEvent.objects.count() == before

        def test_in_scope_transition_leaves_an_audit_row(self, world, api):
            obj = self.make_object(world)
            user = self.persona(world, self.in_scope_persona)
            response = api(user).post(self.transition_url(obj), self.transition_payload(world, obj), format="json")
            assert response.status_code == self.transition_status, response.content
            assert AuditEvent.objects.filter(actor=user, target_id=str(obj.pk),
                                             action__startswith=self.audit_action_prefix).exists()

    class ReadOnlyPersonaCannotWrite(_API):
        """A persona who may read but not write (``read_only_persona``) is refused with 403 on every
        write the endpoint offers (the write mixins it is composed with)."""

        read_only_persona = "auditor"

        def test_read_only_user_is_refused_with_403_on_writes(self, world, api):
            assert isinstance(self, API.Create | API.Update), "compose with API.Create or API.Update"
            obj = self.make_object(world)
            reader = self.persona(world, self.read_only_persona)
            client = api(reader)
            if isinstance(self, API.Update):
                assert client.patch(self.detail_url(obj), self.update_payload(world, obj),
                                    format="json").status_code == 403
            if isinstance(self, API.Create):
                assert client.post(self.list_url(), self.create_payload(world), format="json").status_code == 403
            assert not AuditEvent.objects.filter(actor=reader).exists()

    class ReadOnly(List, Detail):
        """A read-only endpoint: list and detail."""

    class CRUD(List, Detail, Create, Update, Delete):
        """Every operation of a model viewset."""


class _Page(_Personas):
    list_url_name: str = ""

    def row_text(self, obj) -> str:
        """Text that appears in the list row (and the export) of ``obj``."""
        return str(obj)

    def list_url(self):
        return reverse(self.list_url_name)

    def entry_request(self, world, client):
        """The request the anonymous and no-role personas try: the list by default."""
        return client.get(self.list_url())

    def test_anonymous_is_sent_to_sign_in(self, world, web):
        response = self.entry_request(world, web())
        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    def test_user_without_a_role_is_refused_with_403(self, world, web):
        assert self.entry_request(world, web(self.persona(world, self.no_permission_persona))).status_code == 403


class Pages:
    """Composable persona tests for server-rendered pages."""

    class List(_Page):
        def test_in_scope_user_sees_the_row_and_out_of_scope_user_does_not(self, world, web):
            obj = self.make_object(world)
            mine = web(self.persona(world, self.in_scope_persona)).get(self.list_url())
            theirs = web(self.persona(world, self.out_of_scope_persona)).get(self.list_url())
            assert self.row_text(obj) in mine.content.decode()
            assert self.row_text(obj) not in theirs.content.decode()

        def test_list_query_count_does_not_grow_with_rows(self, world, web):
            assert_constant_queries(self, world, web(self.persona(world, self.in_scope_persona)), self.list_url())

    class Detail(_Page):
        detail_url_name: str = ""
        detail_lookup_attr = "pk"

        def test_detail_out_of_scope_is_404(self, world, web):
            obj = self.make_object(world)
            url = reverse(self.detail_url_name, args=[getattr(obj, self.detail_lookup_attr)])
            assert web(self.persona(world, self.in_scope_persona)).get(url).status_code == 200
            assert web(self.persona(world, self.out_of_scope_persona)).get(url).status_code == 404

    class Export(_Page):
        def test_export_is_scoped_and_audited(self, world, web):
            obj = self.make_object(world)
            out_user = self.persona(world, self.out_of_scope_persona)
            theirs = web(out_user).get(self.list_url(), {"export": "csv"})
            assert theirs.status_code == 200
            assert self.row_text(obj) not in b"".join(theirs.streaming_content).decode("utf-8-sig")
            assert AuditEvent.objects.filter(actor=out_user, action="core.export").exists()
            mine = web(self.persona(world, self.in_scope_persona)).get(self.list_url(), {"export": "xlsx"})
            assert mine.status_code == 200
            assert mine["Content-Type"].startswith("application/vnd.openxmlformats")

    class Action(_Page):
        """A page's request on one object: a POST of a step (HTMX partials too) or a file (PDF).
        Out of scope it is 404 and writes nothing; a user with no role is refused (403, or 404 where
        the view only looks in the user's areas); in scope it works (and is audited if it writes)."""

        action_url_name: str = ""
        action_method = "post"
        in_scope_status = (200, 302)
        writes = True  # an in-scope request leaves an audit row by the user

        def action_args(self, obj) -> list:
            return [obj.pk]

        def action_payload(self, world, obj) -> dict:
            return {}

        def action_persona(self, world):
            """Who does it in scope (a team manager, a committee member…): the in-scope persona by default."""
            return self.persona(world, self.in_scope_persona)

        def _do(self, world, client, obj):
            url = reverse(self.action_url_name, args=self.action_args(obj))
            return getattr(client, self.action_method)(url, self.action_payload(world, obj))

        def entry_request(self, world, client):
            return self._do(world, client, self.make_object(world))

        def test_user_without_a_role_is_refused_with_403(self, world, web):
            response = self.entry_request(world, web(self.persona(world, self.no_permission_persona)))
            assert response.status_code in (403, 404)

        def test_out_of_scope_user_gets_404_and_nothing_is_written(self, world, web):
            obj = self.make_object(world)
            client = web(self.persona(world, self.out_of_scope_persona))
            before = AuditEvent.objects.count()
            assert self._do(world, client, obj).status_code == 404
            assert AuditEvent.objects.count() == before

        def test_in_scope_user_does_it(self, world, web):
            obj = self.make_object(world)
            user = self.action_persona(world)
            client = web(user)
            before = AuditEvent.objects.filter(actor=user).count()
            response = self._do(world, client, obj)
            assert response.status_code in self.in_scope_status, response.content[:500]
            if self.writes:
                assert AuditEvent.objects.filter(actor=user).count() > before
