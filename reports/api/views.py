from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from core.api.pagination import CursorPagination
from core.api.viewsets import ScopedReadOnlyViewSet, ScopedViewSetMixin
from core.models import Area
from core.scope import scope_for

from .. import services
from ..choices import RunTrigger
from ..models import IndicatorValue, ReportRun
from ..periods import Period
from ..registry import REGISTRY, ordered
from ..selectors import VIEW_PERM
from .serializers import IndicatorSerializer, IndicatorValueSerializer, ReportRunSerializer, RunCreateSerializer


class IndicatorViewSet(viewsets.ViewSet):
    """Indicator definitions: every indicator the apps declare, with unit, lowest level and target."""

    model = IndicatorValue  # seeing definitions needs the permission to see values
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    serializer_class = IndicatorSerializer

    def list(self, request):
        return Response(IndicatorSerializer(ordered(), many=True).data)

    def retrieve(self, request, code=None):
        ind = REGISTRY.get(code)
        if ind is None:
            raise Http404
        return Response(IndicatorSerializer(ind).data)


class ValueCursorPagination(CursorPagination):
    ordering = "id"
    max_page_size = 1000


@extend_schema(parameters=[
    OpenApiParameter("indicator", str, description="indicator code(s), comma-separated",
                     pattern=r"^\s*[a-z][a-z0-9_.]*\s*(,\s*[a-z][a-z0-9_.]*\s*)*$"),
    OpenApiParameter("area", str, description="division code; out of your areas: 404"),
    OpenApiParameter("descendants", bool, description="1: the area and every area below it"),
    OpenApiParameter("period", str, description="2020, 2020Q3 or 2020-07",
                     pattern=r"^\s*[0-9]{4}([Qq][1-4]|-(0[1-9]|1[0-2]))?\s*$"),
])
class IndicatorValueViewSet(ScopedReadOnlyViewSet):
    """Stored indicator values within the caller's areas."""

    queryset = IndicatorValue.objects.select_related("area")
    serializer_class = IndicatorValueSerializer
    pagination_class = ValueCursorPagination
    filter_backends = []

    def get_queryset(self):
        from ..registry import restrict_values  # restricted indicators only where their permission is held

        qs = restrict_values(super().get_queryset(), self.request.user)
        if self.action != "list":
            return qs
        params = self.request.query_params
        errors = {}
        if codes := [c for c in params.get("indicator", "").split(",") if c.strip()]:
            unknown = [c for c in codes if c.strip() not in REGISTRY]
            if unknown:
                errors["indicator"] = [_("Unknown indicator: %(codes)s") % {"codes": ", ".join(unknown)}]
            qs = qs.filter(indicator__in=[c.strip() for c in codes])
        if period := params.get("period"):
            try:
                qs = qs.filter(period=Period.parse(period).key)
            except DjangoValidationError as exc:
                errors["period"] = exc.messages
        if code := params.get("area"):
            area = Area.objects.filter(code=code.strip()).first()
            if area is None:
                errors["area"] = [_("Unknown area: %(code)s") % {"code": code}]
            elif not errors:
                if not scope_for(self.request.user).covers(VIEW_PERM, area.code):
                    raise Http404(_("No such area."))
                if params.get("descendants") in ("1", "true", "yes"):
                    qs = qs.filter(area__code__startswith=area.prefix)
                else:
                    qs = qs.filter(area=area)
        if errors:
            raise serializers.ValidationError(errors)
        return qs


class ReportRunViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.ListModelMixin,
                       mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Aggregation runs: administrators start one for a period; anyone allowed follows its progress."""

    queryset = ReportRun.objects.all()
    serializer_class = ReportRunSerializer
    filter_backends = []

    @extend_schema(request=RunCreateSerializer, responses={202: ReportRunSerializer})
    def create(self, request, *args, **kwargs):
        body = RunCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        run = services.request_run(actor=request.user, period=body.validated_data["period"], trigger=RunTrigger.API)
        run.refresh_from_db()
        return Response(ReportRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
