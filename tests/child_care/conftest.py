"""Child-care personas beside the shared world: a child director in A's community and in B's village,
a supervisor in A's street (township). County officers (officer_a) see counts only."""

import pytest

from core.choices import Role
from tests.factories import staff


@pytest.fixture
def export_files():
    """Protected export files made by the test are deleted afterwards (they live under var/exports/)."""
    yield
    from core.models import ProtectedExport as Kept

    for export in Kept.objects.exclude(file=""):
        export.file.delete(save=False)


@pytest.fixture
def cc(world):
    class People:
        director_a = staff("director_a", Role.CHILD_DIRECTOR, world.community_a)
        director_b = staff("director_b", Role.CHILD_DIRECTOR, world.village_b)
        supervisor_a = staff("supervisor_a", Role.CHILD_SUPERVISOR, world.street_a)

    return People


class ChildCarePersonas:
    """Persona mixin for tests/scoped.py: the director of A's community is in scope, B's is not."""

    in_scope_persona = "director_a"
    out_of_scope_persona = "director_b"

    @pytest.fixture(autouse=True)
    def _child_care_people(self, world, cc):
        world.director_a, world.director_b, world.supervisor_a = cc.director_a, cc.director_b, cc.supervisor_a


class ProtectedExport:
    """``Pages.Export`` for a list whose export is protected (a child's records: core.exports): the out-of-scope
    user states a reason and gets a file without the row, the export is audited, the in-scope user's
    XLSX is downloadable by them. A list of records that are not protected keeps ``Pages.Export``'s test."""

    def test_export_is_scoped_and_audited(self, world, web, export_files):
        from django.urls import resolve

        from core.generic import is_export_protected
        from core.models import AuditEvent
        from core.models import ProtectedExport as Kept

        if not is_export_protected(resolve(self.list_url()).func.view_class.model):
            return super().test_export_is_scoped_and_audited(world, web)
        obj = self.make_object(world)
        out_user = self.persona(world, self.out_of_scope_persona)
        client = web(out_user)
        assert client.get(self.list_url(), {"export": "csv"}).status_code == 200  # the reason's form
        assert client.post(self.list_url(), {"reason": "核对名单", "fmt": "csv"}).status_code == 302
        kept = Kept.objects.get(user=out_user)
        body = b"".join(client.get(kept.get_absolute_url()).streaming_content).decode("utf-8-sig")
        assert self.row_text(obj) not in body
        assert AuditEvent.objects.filter(actor=out_user, action="core.export").exists()
        in_user = self.persona(world, self.in_scope_persona)
        mine = web(in_user)
        assert mine.post(self.list_url(), {"reason": "核对名单", "fmt": "xlsx"}).status_code == 302
        kept = Kept.objects.get(user=in_user)
        response = mine.get(kept.get_absolute_url())
        assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
