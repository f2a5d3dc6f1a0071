from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django_otp import match_token
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from .. import services
from ..filtersets import AreaFilterSet, AuditEventFilterSet, FindingFilterSet
from ..middleware import requires_second_factor
from ..models import Area, AuditEvent, Finding
from .errors import error_response
from .pagination import CursorPagination
from .serializers import (
    AreaSerializer,
    AreaUpdateSerializer,
    AuditEventSerializer,
    FindingCloseSerializer,
    FindingSerializer,
)
from .viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet


class TokenThrottle(AnonRateThrottle):
    scope = "token"


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp_token = serializers.CharField(required=False, allow_blank=True,
                                      help_text="One-time code; required for roles that need a second factor.")


class ObtainTokenView(APIView):
    """Exchange username and password (and a one-time code where the role needs it) for a token.

    Failures count towards the same lockout as the sign-in page (django-axes).
    """

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [TokenThrottle]

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
        if requires_second_factor(user):
            code = data.validated_data.get("otp_token", "")
            if not code or match_token(user, code) is None:
                return error_response(400, "otp_required", _("A valid one-time code is required for this account."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key}, status=status.HTTP_200_OK)


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
    action_perms = {"close": "change"}

    @extend_schema(request=FindingCloseSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        finding = self.get_object()
        body = FindingCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        finding = services.close_finding(actor=request.user, finding=finding, **body.validated_data)
        return Response(FindingSerializer(finding).data)


class AuditEventViewSet(ScopedReadOnlyViewSet):
    """The audit log (auditors and administrators), newest first."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    pagination_class = CursorPagination
    ordering_fields = None
    filter_backends = [f for f in ScopedReadOnlyViewSet.filter_backends if "Ordering" not in f.__name__]
