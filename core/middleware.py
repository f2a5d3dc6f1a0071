"""Request id, session limits and the second-factor requirement."""

import contextvars
import logging
import time
import uuid

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

_request_id = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = _request_id.get() or "-"
        return True


class RequestIdMiddleware:
    """Tag each request with an id (the proxy's X-Request-ID if sane) for logs and audit rows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if incoming.replace("-", "").isalnum() and len(incoming) <= 64 else uuid.uuid4().hex
        token = _request_id.set(rid)
        request.request_id = rid
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


def client_address(request) -> str:
    """The client's address as the last of ``AXES_PROXY_COUNT`` proxies of ours saw it: the
    lockout's (``AXES_CLIENT_IP_CALLABLE``) and, through DRF's ``NUM_PROXIES``, the same rule as
    the token endpoint's rate limit. Never an entry the client wrote itself into X-Forwarded-For:
    each proxy appends the address it received from, so only the last ``count`` entries are ours.
    (django-axes would need django-ipware for its own proxy count, and it is not installed.)"""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.AXES_IPWARE_PROXY_COUNT or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if count <= 0 or not forwarded:
        return remote
    entries = forwarded.split(",")
    return entries[-min(count, len(entries))].strip() or remote


class SessionLimitsMiddleware:
    """End a session after 30 minutes idle or 12 hours in all, whichever comes first.

    The last-seen stamp is written at the session's first request and then at most every 30
    seconds (every tenth of the idle limit when that is shorter), not on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            started = request.session.setdefault("portal_started", now)
            seen = request.session.get("portal_seen")
            last = now if seen is None else seen
            idle_limit = settings.PORTAL_SESSION_IDLE_SECONDS
            idle = now - last > idle_limit
            expired = now - started > settings.PORTAL_SESSION_ABSOLUTE_SECONDS
            if idle or expired:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(f"{reverse('login')}?next={request.path}&expired=1")
            if seen is None or now - last >= min(30, idle_limit // 10):  # not a session write per request
                request.session["portal_seen"] = now
        return self.get_response(request)


# Paths open to a signed-in user who has not yet entered their one-time code: the way in and out
# (sign-in, sign-out, the code itself) and what needs no sign-in at all. Not the rest of /accounts/:
# changing the password is behind the second factor like everything else.
OTP_EXEMPT_PATHS = ("/accounts/login/", "/accounts/logout/", "/accounts/otp/")
OTP_EXEMPT_PREFIXES = ("/static/", "/healthz", "/i18n/", "/public/")


def requires_second_factor(user) -> bool:
    from .choices import SECOND_FACTOR_ROLES
    from .scope import scope_for

    if not settings.PORTAL_OTP_REQUIRED or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    scope = scope_for(user)
    if scope.role_slugs & {str(r) for r in SECOND_FACTOR_ROLES}:
        return True
    return any(level == "city" for grants in scope.roles.values() for _, level, _ in grants)


class SecondFactorMiddleware:
    """Administrators, city-level roles and auditors must have verified a TOTP this session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and request.path not in OTP_EXEMPT_PATHS
            and not request.path.startswith(OTP_EXEMPT_PREFIXES)
            and requires_second_factor(user)
            and not user.is_verified()
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": {"status": 403, "code": "second_factor_required",
                               "message": str(_("Verify your one-time code first."))}},
                    status=403,
                )
            return redirect(f"{reverse('otp-verify')}?next={request.get_full_path()}")
        return self.get_response(request)
