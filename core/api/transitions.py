"""Declarative transitions: a step of a workflow as one line of a viewset.

    class MatterViewSet(ScopedModelViewSet):
        transitions = {
            "withdraw": Transition(services.withdraw_matter, input=ReasonSerializer, output=MatterSerializer),
            "accept": Transition(services.accept_matter, input=ReasonSerializer, output=MatterSerializer,
                                 arguments={"reason": "note"}),
        }

Each entry becomes a ``POST /{id}/{name}/`` action (``url_path`` to spell it otherwise) that:

1. loads the object within the caller's scope for ``perm`` ("change" by default) — out of scope it
   does not exist: 404, before the body is validated or the state looked at;
2. validates the body with ``input`` — 400 with the fields' messages in the API's error shape;
3. calls ``service(actor=request.user, <object_arg>=obj, **validated_data)`` (``object_arg``
   defaults to the model's name, ``arguments`` renames body fields to the service's keywords);
4. answers ``status`` with ``output`` (the viewset's serializer by default) of what the service
   returned (the object itself when it returns None, or what ``respond(view, obj, result)`` gives).

The service's refusals are answered by core.api.errors: ``TransitionRefused`` → 409 with its reason,
``ValidationError`` → 400 with field messages, ``NoPermission`` → 403, ``OutOfScope`` → 404. The
OpenAPI schema shows ``input`` as the request and ``output`` as the response.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response


@dataclass(frozen=True)
class Transition:
    service: Callable
    input: type | None = None  # a Serializer class validating the body; None: no body
    output: type | None = None  # a Serializer class for the answer; None: the viewset's
    status: int = 200
    perm: str = "change"  # the scope the object must be in ("change", "delete", or a custom one)
    object_arg: str | None = None  # the service's keyword for the object; default: the model's name
    arguments: dict = field(default_factory=dict)  # body field -> service keyword
    url_path: str | None = None
    summary: str = ""
    respond: Callable | None = None  # (view, obj, result) -> what ``output`` serializes

    def call(self, view, request):
        obj = view.get_object()  # 404 first: out of scope nothing else is looked at
        data = {}
        if self.input is not None:
            body = self.input(data=request.data, context=view.get_serializer_context())
            body.is_valid(raise_exception=True)
            data = dict(body.validated_data)
        kwargs = {self.arguments.get(name, name): value for name, value in data.items()}
        kwargs[self.object_arg or obj._meta.model_name] = obj
        result = self.service(actor=request.user, **kwargs)
        if self.respond is not None:
            result = self.respond(view, obj, result)
        if result is None:
            result = obj
        output = self.output or view.get_serializer_class()
        return Response(output(result, context=view.get_serializer_context()).data, status=self.status)


def transition_action(name: str, spec: Transition, default_output=None):
    """The DRF ``@action`` method for ``spec`` (what ``TransitionsMixin`` adds for each entry);
    ``default_output`` is what the schema shows when ``spec.output`` is None (the viewset's serializer)."""

    def take(self, request, *args, **kwargs):
        return spec.call(self, request)

    take.__name__ = name
    # The service's first paragraph (a sentence may wrap over lines), as the operation's description.
    first = (getattr(spec.service, "__doc__", "") or "").strip().split("\n\n")[0]
    take.__doc__ = spec.summary or " ".join(first.split()) or None
    output = spec.output or default_output
    schema = extend_schema(request=spec.input, responses={spec.status: output} if output else None,
                           summary=spec.summary or None)
    options = {"url_path": spec.url_path} if spec.url_path else {}
    return schema(action(detail=True, methods=["post"], **options)(take))  # extend_schema over @action


class TransitionsMixin:
    """Turns a viewset's ``transitions = {name: Transition(...)}`` into actions, each needing its
    ``perm`` scope on the object (added to ``action_perms``)."""

    transitions: dict[str, Transition] = {}
    action_perms: dict[str, str] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("transitions")
        if not own:
            return
        perms = dict(cls.action_perms)
        for name, spec in own.items():
            perms.setdefault(name, spec.perm)
            setattr(cls, name, transition_action(name, spec, getattr(cls, "serializer_class", None)))
        cls.action_perms = perms
