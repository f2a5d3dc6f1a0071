"""The generic staged import in the API (``/api/v1/imports/``), on core's kit:

- ``GET importers/`` (and ``importers/{key}/``): the imports the caller may run, their columns
  (template headers, accepted aliases) and template links; 404 for a caller who may run none;
- ``POST jobs/`` (multipart: ``key``, ``file``, ``area`` by code when the import needs one): the
  file is kept encrypted and previewed (nothing written); 201 with the preview (counts, errors by
  line and the file's own header), 400 with the reason when the file is refused (nothing kept);
- ``POST jobs/{id}/commit/``: the uploader confirms; 202, the import runs in the background (a
  Celery task, or at once without a broker); 409 when there is nothing to confirm;
- ``GET jobs/`` / ``jobs/{id}/``: status, progress and result (counts, errors).

An import the caller may not run, and a job they may not see, do not exist (404).
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse

from core.api.serializers import ScopedSerializer
from core.api.viewsets import ScopedViewSetMixin, Transition
from core.models import Area

from . import base, services
from .models import StagedImport, StagedImportStatus


class ColumnSerializer(serializers.Serializer):
    field = serializers.CharField()
    header = serializers.CharField(help_text="the template's (Chinese) header")
    aliases = serializers.ListField(child=serializers.CharField(), help_text="other headers accepted")
    required = serializers.BooleanField()


class ImporterSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    needs_area = serializers.BooleanField(help_text="whether an upload names the area (by code) it is for")
    area_levels = serializers.ListField(child=serializers.CharField())
    columns = ColumnSerializer(many=True)
    template_xlsx = serializers.SerializerMethodField()
    template_csv = serializers.SerializerMethodField()

    def to_representation(self, importer):
        data = {"key": importer.key, "label": str(importer.label), "needs_area": importer.needs_area(),
                "area_levels": list(importer.area_levels),
                "columns": [{"field": c.field, "header": c.header, "aliases": list(c.aliases),
                             "required": c.required} for c in importer.columns]}
        request = self.context.get("request")
        for fmt in ("xlsx", "csv"):
            data[f"template_{fmt}"] = reverse("import-template", args=[importer.key, fmt], request=request)
        return data

    def get_template_xlsx(self, importer) -> str:  # for the schema; to_representation fills it
        return ""

    def get_template_csv(self, importer) -> str:
        return ""


class ImporterViewSet(viewsets.ViewSet):
    """The imports the caller may run (the importer's permission held somewhere)."""

    permission_classes = [IsAuthenticated]
    lookup_field = "key"
    lookup_value_regex = r"[-\w]+"
    serializer_class = ImporterSerializer

    @extend_schema(responses=ImporterSerializer(many=True))
    def list(self, request):
        importers = services.importers_for(request.user)
        if not importers:
            raise NotFound(_("Not found."))
        return Response(ImporterSerializer(importers, many=True, context={"request": request}).data)

    @extend_schema(responses=ImporterSerializer)
    def retrieve(self, request, key=None):
        importer = services.importer_for(request.user, key)
        return Response(ImporterSerializer(importer, context={"request": request}).data)


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    column = serializers.CharField(help_text="the column as the file's own header names it")
    field = serializers.CharField()
    reason = serializers.CharField()


class PreviewSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    error_count = serializers.IntegerField()
    errors = ImportErrorSerializer(many=True)


class StagedImportSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    preview = PreviewSerializer(read_only=True)
    errors = ImportErrorSerializer(many=True, read_only=True)
    result_url = serializers.SerializerMethodField(
        help_text="once done: the page of what the import made, when the importer names one (else empty)")

    class Meta:
        model = StagedImport
        fields = ["id", "key", "area", "filename", "status", "preview", "processed", "created", "updated",
                  "unchanged", "error_count", "errors", "message", "created_at", "committed_at", "finished_at",
                  "result_url"]
        read_only_fields = fields

    def get_result_url(self, job) -> str:
        importer = base.get(job.key) if job.status == StagedImportStatus.DONE else None
        if importer is None:
            return ""
        request = self.context.get("request")
        return importer(actor=getattr(request, "user", None), job=job).result_url()


class UploadSerializer(ScopedSerializer):
    key = serializers.SlugField(help_text="the importer's key (GET importers/)")
    file = serializers.FileField(help_text="CSV or XLSX with the template's headers")
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all(), required=False,
                                        allow_null=True, help_text="code of the area the file is for, "
                                                                   "when the import needs one")


class StagedImportViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """Jobs of the generic staged import: upload (preview), confirm, status and result.

    Scoped by the importer's own permission, not a model permission: a job is seen by whoever
    uploaded it and by holders of the importer's permission in the job's area (404 otherwise)."""

    queryset = StagedImport.objects.all()
    serializer_class = StagedImportSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    transitions = {
        "commit": Transition(services.commit, output=StagedImportSerializer, status=status.HTTP_202_ACCEPTED,
                             object_arg="job", summary="Confirm the previewed import: it runs in the background."),
    }

    def get_queryset(self):
        if not services.importers_for(self.request.user):
            raise NotFound(_("Not found."))  # no import exists for this caller
        return services.jobs_visible_to(self.request.user).order_by("-created_at", "-pk")

    @extend_schema(request=UploadSerializer, responses={201: StagedImportSerializer})
    def create(self, request):
        """Upload a file: it is kept encrypted and previewed; nothing is written until ``commit``."""
        body = UploadSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        importer = services.importer_for(request.user, body.validated_data["key"])
        job = services.stage(actor=request.user, importer=importer, upload=body.validated_data["file"],
                             area=body.validated_data.get("area"))
        return Response(StagedImportSerializer(job, context={"request": request}).data, status=status.HTTP_201_CREATED)
