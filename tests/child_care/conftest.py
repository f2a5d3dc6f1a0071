"""Child-care personas beside the shared world: a child director in A's community and in B's village,
a supervisor in A's street (township). County officers (officer_a) see counts only."""

import pytest

from core.choices import Role
from tests.factories import staff


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
