from rest_framework import permissions

from ..querysets import perm_name
from ..scope import scope_for

ACTION_BY_METHOD = {
    "GET": "view", "HEAD": "view", "OPTIONS": "view",
    "POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete",
}


class ScopedModelPermissions(permissions.BasePermission):
    """Model permission from the user's grants (anywhere); the area itself is the queryset's job.

    Anonymous → 401, no role with the permission → 403, out of scope → 404 (the viewset's
    restricted queryset). A viewset may name the action per DRF action in ``action_perms``.
    """

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        perm = view_required_perm(view, request)
        return perm is None or scope_for(request.user).has_perm_somewhere(perm)


def view_required_perm(view, request):
    model = getattr(getattr(view, "queryset", None), "model", None) or getattr(view, "model", None)
    if model is None:
        return None
    action = getattr(view, "action_perms", {}).get(getattr(view, "action", None)) or ACTION_BY_METHOD.get(
        request.method, "view"
    )
    return perm_name(model, action)


class IsAuthenticatedOnly(permissions.IsAuthenticated):
    pass
