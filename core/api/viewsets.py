"""Base viewsets: every query goes through ``restrict``; every write through a service."""

from rest_framework import mixins, viewsets

from ..readaudit import audit_read, is_read_audited, purpose_of
from .permissions import ACTION_BY_METHOD
from .transitions import Transition, TransitionsMixin

__all__ = ["ScopedViewSetMixin", "ScopedReadOnlyViewSet", "ScopedModelViewSet", "ScopedCreateListRetrieveViewSet",
           "Transition"]


class ScopedViewSetMixin(TransitionsMixin):
    """``get_queryset`` restricted to the caller's areas for the action of the request.

    Reads use the "view" scope; for writes the object must be visible *and* within the
    "change"/"delete" scope, otherwise it does not exist for the caller (404). Steps of a workflow
    are declared in ``transitions`` (core.api.transitions).
    """

    queryset = None  # subclasses set it (with select_related/prefetch as their list needs)
    action_perms: dict[str, str] = {}

    def scope_action(self) -> str:
        return self.action_perms.get(self.action) or ACTION_BY_METHOD.get(self.request.method, "view")

    def base_queryset(self):
        return self.queryset.all()

    def get_queryset(self):
        action = self.scope_action()
        qs = self.base_queryset().restrict(self.request.user, "view")
        if action not in ("view", "add"):
            qs = qs & self.queryset.model._default_manager.restrict(self.request.user, action)
        if not qs.ordered:
            # Page boundaries must be stable: a model without default ordering lists newest first.
            qs = qs.order_by("-pk")
        return qs

    # Read-audited models (core.readaudit): the records a list page or a retrieve returns are recorded,
    # one event per request.
    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if self.action == "list" and is_read_audited(queryset.model):
            audit_read(self.request, list(page) if page is not None else queryset, purpose_of(self),
                       model=queryset.model)
        return page

    def get_object(self):
        obj = super().get_object()
        if self.action == "retrieve":
            audit_read(self.request, obj, purpose_of(self))
        return obj


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Subclasses implement ``create_object``, ``update_object``, ``delete_object`` by calling
    their app's services with ``actor=request.user``; nothing here saves a model directly."""

    def perform_create(self, serializer):
        serializer.instance = self.create_object(serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self.update_object(serializer.instance, serializer.validated_data)

    def perform_destroy(self, instance):
        self.delete_object(instance)

    def create_object(self, data):
        raise NotImplementedError

    def update_object(self, instance, data):
        raise NotImplementedError

    def delete_object(self, instance):
        raise NotImplementedError


class ScopedCreateListRetrieveViewSet(
    ScopedViewSetMixin, mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    def perform_create(self, serializer):
        serializer.instance = self.create_object(serializer.validated_data)


