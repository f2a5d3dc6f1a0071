"""Errors services raise; pages and the API translate them the same way."""

from django.core.exceptions import PermissionDenied
from django.http import Http404


class OutOfScope(Http404):
    """The record is outside the actor's areas. It is reported as "not found", never as 403."""


class NoPermission(PermissionDenied):
    """The actor's roles do not include this action anywhere."""


class TransitionRefused(Exception):
    """A state transition the rules do not allow now; ``reason`` is shown to the user (HTTP 409)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason
