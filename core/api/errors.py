"""One JSON error shape for the whole API:

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"name": ["..."]}}}
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..exceptions import TransitionRefused


def _flatten(detail):
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(d, (dict, list)) for d in detail):
            return [str(d) for d in detail]
        return [_flatten(d) for d in detail]
    return [str(detail)]


def error_response(status_code: int, code: str, message: str, fields=None, headers=None) -> Response:
    body = {"error": {"status": status_code, "code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return Response(body, status=status_code, headers=headers)


def exception_handler(exc, context):
    if isinstance(exc, TransitionRefused):
        return error_response(status.HTTP_409_CONFLICT, "transition_refused", str(exc.reason))
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields = {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
            message = "; ".join(m for msgs in exc.message_dict.values() for m in msgs)
        else:
            fields, message = None, "; ".join(exc.messages)
        return error_response(400, "invalid", message, fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = getattr(exc, "detail", None)
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(detail)
        if isinstance(fields, list):
            fields = {"non_field_errors": fields}
        message = "; ".join(
            f"{k}: {' '.join(v) if isinstance(v, list) and all(isinstance(i, str) for i in v) else v}"
            for k, v in fields.items()
        )
        code = "invalid"
    else:
        fields = None
        message = str(detail) if detail is not None else response.reason_phrase
        code = getattr(exc, "default_code", "error")
        if isinstance(detail, exceptions.ErrorDetail):
            code = detail.code
    headers = {k: response[k] for k in ("WWW-Authenticate", "Retry-After") if k in response}
    return error_response(response.status_code, code, message, fields, headers=headers)
