from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django_otp import match_token
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from .. import accounts, services
from ..filtersets import AreaFilterSet, AuditEventFilterSet, FindingFilterSet
from ..middleware import requires_second_factor
from ..models import Area, AuditEvent, Finding
from .authentication import CachedTokenAuthentication
from .errors import error_response
from .pagination import CursorPagination
from .serializers import (
    AreaSerializer,
    AreaUpdateSerializer,
    AuditEventSerializer,
    FindingCloseSerializer,
    FindingSerializer,
)
from .transitions import Transition
from .viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet


class TokenThrottle(AnonRateThrottle):
    """20 requests a minute per client address: the address DRF's ``NUM_PROXIES`` (set from
    ``AXES_PROXY_COUNT``, as the lockout's) picks, never a header the client writes itself."""

    scope = "token"


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp_token = serializers.CharField(required=False, allow_blank=True,
                                      help_text="One-time code; required for roles that need a second factor.")


class ObtainTokenView(APIView):
    """POST: exchange username and password (and a one-time code where the role needs it) for a
    fresh token; the previous one stops working. DELETE (signed in with the token): end it.

    A token works for ``PORTAL_TOKEN_TTL_SECONDS`` and ends at once when the user's rights change.
    Failures count towards the same lockout as the sign-in page (django-axes).
    """

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [TokenThrottle]

    def _revoking(self):
        request = getattr(self, "request", None)  # None while the OpenAPI schema is generated
        return request is not None and request.method == "DELETE"

    def get_authenticators(self):
        return [CachedTokenAuthentication()] if self._revoking() else []

    def get_permissions(self):
        return [IsAuthenticated()] if self._revoking() else [AllowAny()]

    def get_throttles(self):
        return [] if self._revoking() else super().get_throttles()

    @extend_schema(request=TokenRequestSerializer,
                   responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}))
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request=request._request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if user is None or not user.is_active:
            return error_response(400, "invalid_credentials", _("Wrong username or password, or the account is "
                                                                "locked for 30 minutes after 5 failures."))
        code = data.validated_data.get("otp_token", "")
        verified = bool(code) and match_token(user, code) is not None
        if requires_second_factor(user) and not verified:
            return error_response(400, "otp_required", _("A valid one-time code is required for this account."))
        token = accounts.issue_token(actor=user, second_factor=verified)
        return Response({"token": token.key}, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses={204: None}, auth=[{"tokenAuth": []}])
    def delete(self, request):
        accounts.revoke_token(actor=request.user, user_id=request.user.pk, cause=accounts.SIGNED_OUT)
        return Response(status=status.HTTP_204_NO_CONTENT)


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in (``AXES_LOCKOUT_CALLABLE``): the API's error
    shape under /api/, the lockout page elsewhere."""
    from axes.helpers import get_cool_off
    from django.conf import settings
    from django.http import JsonResponse
    from django.shortcuts import render

    status_code = settings.AXES_HTTP_RESPONSE_CODE
    message = _("Too many failed sign-in attempts. This account is locked for 30 minutes from this address.")
    cool_off = get_cool_off(request)
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": {"status": status_code, "code": "locked_out", "message": message}},
                                status=status_code)
        if cool_off:
            response["Retry-After"] = str(int(cool_off.total_seconds()))
        return response
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, {"cooloff_timedelta": cool_off}, status=status_code)


class AreaViewSet(ScopedModelViewSet):
    """The territory: city, districts/counties, streets/townships, communities/villages, grids."""

    queryset = Area.objects.select_related("parent")
    serializer_class = AreaSerializer
    filterset_class = AreaFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "name", "level"]
    ordering = ["code"]

    def get_serializer_class(self):
        return AreaUpdateSerializer if self.action in ("update", "partial_update") else AreaSerializer

    def create_object(self, data):
        parent = data.get("parent")
        return services.create_area(actor=self.request.user, code=data["code"], name=data["name"],
                                    level=data["level"], kind=data.get("kind", ""),
                                    parent_code=parent.code if parent else None)

    def update_object(self, instance, data):
        return services.update_area(actor=self.request.user, area=instance, name=data.get("name"),
                                    kind=data.get("kind"))

    def delete_object(self, instance):
        services.delete_area(actor=self.request.user, area=instance)


class FindingViewSet(ScopedReadOnlyViewSet):
    """The supervision inbox: findings within the caller's areas."""

    queryset = Finding.objects.select_related("area")
    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet
    ordering_fields = ["due_date", "raised_at", "severity"]
    transitions = {"close": Transition(services.close_finding, input=FindingCloseSerializer, output=FindingSerializer)}


class AuditEventViewSet(ScopedReadOnlyViewSet):
    """The audit log (auditors and administrators), newest first."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    pagination_class = CursorPagination
    ordering_fields = None
    filter_backends = [f for f in ScopedReadOnlyViewSet.filter_backends if "Ordering" not in f.__name__]
