"""Personas of the community desk (one window, tasks, certificates), shared by its page and API tests."""

from django.contrib.auth import get_user_model

from core.choices import Role
from tests.factories import staff


class CommunityDesk:
    """The desk's records are kept by community workers: the in-scope persona is A's community worker,
    the out-of-scope one the community worker of the other district's community."""

    in_scope_persona = "worker_a"
    out_of_scope_persona = "worker_b"

    def persona(self, world, name):
        if name == "worker_b":
            user = get_user_model().objects.filter(username="worker_b").first()
            return user or staff("worker_b", Role.COMMUNITY_WORKER, world.community_b)
        return getattr(world, name)
