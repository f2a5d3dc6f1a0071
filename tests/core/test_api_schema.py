"""The published API schema is no looser than the server: a client that follows it is not refused
for a rule the schema does not state (issue 11, item 14: schemathesis found operations whose schema
was looser than their validation)."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _ecma(pattern: str) -> re.Pattern:
    return re.compile(pattern.replace("\\u00", "\\x"))


def _query(schema, path, name):
    params = schema["paths"][path]["get"]["parameters"]
    return next(p for p in params if p["name"] == name)["schema"]


def test_a_name_states_that_control_characters_are_refused(schema):
    name = schema["components"]["schemas"]["VolunteerRequest"]["properties"]["name"]
    accepts = _ecma(name["pattern"])
    assert accepts.match("王小明") and not accepts.match("王\x07小明")


def test_an_id_number_states_its_form(schema):
    field = schema["components"]["schemas"]["VolunteerRequest"]["properties"]["id_number"]
    accepts = _ecma(field["pattern"])
    assert accepts.match("34030219900101123X") and not accepts.match("3403021990")


def test_a_decimal_sent_as_text_must_hold_a_digit(schema):
    hours = schema["components"]["schemas"]["HourRecordRequest"]["properties"]["hours"]
    accepts = _ecma(hours["pattern"])
    for refused in ("", "-", ".", "-."):
        assert not accepts.match(refused), refused
    for kept in ("2", "2.5", ".5", "-1"):
        assert accepts.match(kept), kept


def test_a_search_box_states_that_a_nul_character_is_refused(schema):
    q = _query(schema, "/api/v1/volunteers/teams/", "q")
    assert not _ecma(q["pattern"]).match("a\x00b") and _ecma(q["pattern"]).match("志愿")


def test_the_indicator_values_state_the_period_forms(schema):
    period = _ecma(_query(schema, "/api/v1/indicators/values/", "period")["pattern"])
    for kept in ("2020", "2020Q3", "2020q3", "2020-07"):
        assert period.match(kept), kept
    for refused in ("2020Q5", "2020-13", "20", "0.0"):
        assert not period.match(refused), refused
