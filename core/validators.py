"""Validators every app shares: free text without control characters, and uploaded files.

Free text: ``no_control_characters`` (single-line) and ``no_control_characters_multiline`` are
attached by ``CoreConfig.ready`` to every CharField and TextField of the project's own models, so
every service's ``full_clean``, every ModelSerializer and every ModelForm refuses a bell or an
escape character typed or pasted into a name; TextFields keep tab, newline and carriage return.

Uploads: ``FileTypeValidator`` accepts a file only if its content's signature matches an allowed
type *and* its extension, and only up to ``settings.PORTAL_UPLOAD_MAX_BYTES``; ``RandomName``
stores it under a random name, so a stored name says nothing and cannot be guessed.
"""

import os
import re
import uuid
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

# C0 controls and DEL; a multi-line text keeps tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@deconstructible
class ControlCharacterValidator(RegexValidator):
    """Refuses a control character with its position, in words a clerk understands.

    A ``RegexValidator`` whose pattern is the text it accepts, so that the API schema
    (drf-spectacular reads a regex validator's pattern) states the rule the server enforces."""

    code = "control_character"

    def __init__(self, *, multiline: bool):
        self.multiline = multiline
        refused = _CONTROL_MULTILINE if multiline else _CONTROL
        super().__init__(regex=r"^[^" + refused.pattern[1:-1] + r"]*\Z", code=self.code)
        self._refused = refused

    def __call__(self, value):
        if not isinstance(value, str):
            return
        found = self._refused.search(value)
        if found:
            raise ValidationError(
                _("The text contains an invisible control character (U+%(code)s) at position %(pos)s; "
                  "remove it and try again."),
                code=self.code,
                params={"code": f"{ord(found.group()):04X}", "pos": found.start() + 1},
            )

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator) and other.multiline == self.multiline

    def __hash__(self):
        return hash((ControlCharacterValidator, self.multiline))

    def deconstruct(self):
        return ("core.validators.ControlCharacterValidator", (), {"multiline": self.multiline})


# Single-line text: no control character at all (tab and line breaks included).
no_control_characters = ControlCharacterValidator(multiline=False)
# Multi-line text: no control character but tab, line feed and carriage return.
no_control_characters_multiline = ControlCharacterValidator(multiline=True)


def attach_text_validators(models) -> None:
    """Give every CharField/TextField of ``models`` the matching control-character validator.

    Appended to the field's validator list (as Django itself adds MaxLengthValidator), not to its
    constructor's ``validators``, so the fields' deconstruction — and the migrations — stay as they are.
    """
    from django.db.models import CharField, TextField

    for model in models:
        for field in model._meta.local_fields:
            if isinstance(field, TextField):
                validator = no_control_characters_multiline
            elif isinstance(field, CharField):
                validator = no_control_characters
            else:
                continue
            if validator not in field.validators:
                field.validators.append(validator)


# --- uploads -------------------------------------------------------------------------------------
def _is_pdf(head: bytes, f) -> bool:
    return head.startswith(b"%PDF-")


def _is_jpeg(head: bytes, f) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _is_png(head: bytes, f) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _office(required: str):
    """An Office Open XML file: a ZIP holding ``[Content_Types].xml`` and ``required``, no macros."""

    def check(head: bytes, f) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            f.seek(0)
            names = set(zipfile.ZipFile(f).namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        return ("[Content_Types].xml" in names and required in names
                and not any(n.lower().endswith("vbaproject.bin") for n in names))

    return check


# extension -> (content type served on download, signature check)
FILE_TYPES = {
    "pdf": ("application/pdf", _is_pdf),
    "jpg": ("image/jpeg", _is_jpeg),
    "jpeg": ("image/jpeg", _is_jpeg),
    "png": ("image/png", _is_png),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             _office("word/document.xml")),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _office("xl/workbook.xml")),
}
DOCUMENT_TYPES = ("pdf", "jpg", "jpeg", "png", "docx", "xlsx")
IMAGE_TYPES = ("jpg", "jpeg", "png")


def extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def _kinds(allowed) -> str:
    return "、".join(e.upper() for e in allowed if e != "jpeg")


def _upload_help(allowed) -> str:
    return _("%(kinds)s, at most %(max)s.") % {"kinds": _kinds(allowed),
                                              "max": filesizeformat(settings.PORTAL_UPLOAD_MAX_BYTES)}


upload_help = lazy(_upload_help, str)  # a form's help text, in the language of the request


def content_type_for(name: str) -> str:
    """The type a stored file is served as (it was checked on upload); anything else is opaque bytes."""
    entry = FILE_TYPES.get(extension(name))
    return entry[0] if entry else "application/octet-stream"


@deconstructible
class FileTypeValidator:
    """Accept a new upload only of the allowed types (by content signature and extension) and size.

    A file already stored (a record being re-validated) is not re-read.
    """

    def __init__(self, allowed=DOCUMENT_TYPES):
        self.allowed = tuple(allowed)

    def __call__(self, value):
        if not value or getattr(value, "_committed", False):
            return
        upload = getattr(value, "file", value)
        kinds = _kinds(self.allowed)
        limit = settings.PORTAL_UPLOAD_MAX_BYTES
        size = getattr(value, "size", None)
        if size is not None and size > limit:
            raise ValidationError(
                _("The file is %(size)s; files of at most %(max)s are accepted."), code="file_too_large",
                params={"size": filesizeformat(size), "max": filesizeformat(limit)})
        ext = extension(getattr(value, "name", ""))
        if ext not in self.allowed:
            raise ValidationError(_("Files of this type are not accepted; use %(kinds)s."),
                                  code="file_type", params={"kinds": kinds})
        try:
            upload.seek(0)
            head = upload.read(16)
            ok = FILE_TYPES[ext][1](head, upload)
        finally:
            upload.seek(0)
        if not ok:
            raise ValidationError(
                _("The file's content is not a %(ext)s file as its name says; use %(kinds)s."),
                code="file_content", params={"ext": ext.upper(), "kinds": kinds})

    def __eq__(self, other):
        return isinstance(other, FileTypeValidator) and self.allowed == other.allowed


@deconstructible
class RandomName:
    """``upload_to`` that stores a file as ``<folder>/<year>/<random hex>.<ext>``."""

    def __init__(self, folder: str):
        self.folder = folder.strip("/")

    def __call__(self, instance, filename):
        from django.utils import timezone

        ext = extension(filename)
        name = uuid.uuid4().hex + (f".{ext}" if ext in FILE_TYPES else "")
        return f"{self.folder}/{timezone.now():%Y}/{name}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and self.folder == other.folder
