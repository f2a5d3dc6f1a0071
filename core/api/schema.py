"""Post-processing of the published OpenAPI schema: state constraints every field shares.

drf-spectacular describes each field from its serializer; two rules that hold for every field of
a kind are not visible to it and are added here, so that the schema is no looser than the server:

- Django forms and DRF refuse a NUL character in any text (``ProhibitNullCharactersValidator``):
  a free-text string parameter or property without a pattern of its own gets ``^[^\\u0000]*$``.
- A decimal sent as a string (DRF's default) must hold at least one digit: spectacular's pattern
  (``^-?\\d{0,4}(?:\\.\\d{0,2})?$``) also matches ``""``, ``"-"`` and ``"."``.
"""

import re

NO_NUL = "^[^\\u0000]*$"
_DECIMAL = re.compile(r"^\^-\?\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)\?\$$")


def _decimal_pattern(whole: int, places: int) -> str:
    fractional = rf"\.\d{{1,{places}}}" if places else ""
    if whole == 0:
        return rf"^-?0?{fractional}$" if places else "^-?0$"
    tail = rf"(?:\.\d{{0,{places}}})?" if places else ""
    return rf"^-?(?:\d{{1,{whole}}}{tail}|{fractional})$" if places else rf"^-?\d{{1,{whole}}}$"


def _tighten(schema) -> None:
    if isinstance(schema, list):
        for item in schema:
            _tighten(item)
        return
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not schema.get("readOnly"):
        found = _DECIMAL.match(schema.get("pattern", "")) if schema.get("format") == "decimal" else None
        if found:
            schema["pattern"] = _decimal_pattern(int(found[1]), int(found[2]))
        elif "pattern" not in schema and "enum" not in schema and "format" not in schema:
            schema["pattern"] = NO_NUL
    for value in schema.values():
        if isinstance(value, (dict, list)):
            _tighten(value)


def tighten_text_and_decimals(result, generator, request, public):
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    _tighten(parameter.get("schema", {}))
            for media in operation.get("requestBody", {}).get("content", {}).values():
                _tighten(media.get("schema", {}))
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") or name.startswith("Patched"):
            _tighten(component)
    return result
