"""A schema-driven fuzz of the whole API: no generated request, valid or not, gets a 500.

Schemathesis reads the published OpenAPI schema (drf-spectacular, the same one /api/schema/
serves) and sends every operation generated requests as a district officer signed in with a
token, against the shared test world with data in it: matters walked to several stages, a
dispute, a community setting, a volunteer team with a shift. Path parameters, and body fields
naming another record (``area``, ``matter``, ``team`` …), are drawn partly from the schema and
partly from the ids the officer's own lists return, so creates, updates and transitions reach
real records and the services behind them, not only 404s.

The budget is small and fixed so that CI stays fast and reproducible: a few examples per
operation (``FUZZ_EXAMPLES``), derandomized, no deadline, no example database; the whole module
takes well under a minute on a quiet 2-core machine. Hunt further locally with
``PORTAL_FUZZ_EXAMPLES=200 PORTAL_FUZZ_COVERAGE=1 pytest tests/test_api_fuzz.py`` (the coverage
phase adds every boundary value of every parameter).
"""

import json
import os
import re

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

FUZZ_EXAMPLES = int(os.environ.get("PORTAL_FUZZ_EXAMPLES", "12"))
FUZZ_COVERAGE = os.environ.get("PORTAL_FUZZ_COVERAGE") == "1"

CONFIG = schemathesis.config.SchemathesisConfig.from_dict({
    "seed": 20240601,
    "suppress-health-check": ["all"],
    "generation": {
        "max-examples": FUZZ_EXAMPLES,
        "deterministic": True,
        "database": "none",
        # the officer's token is sent by the test; a generated Authorization header would only sign out
        "with-security-parameters": False,
    },
    "phases": {
        "stateful": {"enabled": False},
        # the coverage phase walks every boundary of every parameter: ~80 requests an operation,
        # too many for CI; PORTAL_FUZZ_COVERAGE=1 turns it on for a deeper hunt
        "coverage": {"enabled": FUZZ_COVERAGE, "unexpected-methods": []},
    },
})


def _published_schema() -> dict:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


schema = schemathesis.openapi.from_dict(_published_schema(), config=CONFIG)
schema.app = WSGIHandler()

# Filled by the ``fuzz_world`` fixture before any case is generated: for each path template's
# parameter, the values the officer's own list shows (``/governance/matters/{id}/`` → matter ids).
KNOWN: dict[str, list] = {}
_PARAM = re.compile(r"\{(\w+)\}")


def _collection(path: str) -> tuple[str, str] | None:
    match = _PARAM.search(path)
    return (path[: match.start()], match.group(1)) if match else None


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    found = _collection(context.operation.path)
    known = KNOWN.get(found[0]) if found else None
    if not known or not path_parameters or found[1] not in path_parameters:
        return st.just(path_parameters)
    return st.one_of(st.just(path_parameters),
                     st.sampled_from(known).map(lambda value: {**path_parameters, found[1]: value}))


def _singular(collection: str) -> str:
    name = collection.rstrip("/").rsplit("/", 1)[-1].replace("-", "_")
    return name[:-3] + "y" if name.endswith("ies") else name.removesuffix("s")


@schema.hook
def flatmap_body(context, body):
    """Fields naming another record (``area``, ``matter``, ``team`` …) sometimes name a real one of
    the officer's, so that creates and transitions get past "no such object" to the service."""
    if not isinstance(body, dict):
        return st.just(body)
    known = {_singular(path): values for path, values in KNOWN.items()}
    known["member"] = known.get("body_member", [])
    choices = {key: known[key] for key in body if known.get(key)}
    if not choices:
        return st.just(body)
    return st.fixed_dictionaries({key: st.one_of(st.just(body[key]), st.sampled_from(values))
                                  for key, values in choices.items()}).map(lambda real: {**body, **real})


def _populate(world):
    """Records of every kind in district A, where officer_a works."""
    import datetime

    from django.utils import timezone

    from governance import services as governance
    from governance.choices import Capacity, DisputeType, Stage
    from tests.factories.governance import Walker, member
    from tests.factories.volunteers import manager_user, past_shift, served, team, volunteer

    walker = Walker(world.community_a)
    for stage in (Stage.RAISED, Stage.DELIBERATING, Stage.IMPLEMENTING, Stage.EVALUATING, Stage.CLOSED):
        walker.to(stage)
    walker.to(Stage.DECIDED, major=True)
    member(world.community_a, Capacity.TWO_COMMITTEES)
    governance.register_dispute(actor=None, area=world.community_a, parties="甲、乙", dispute_type=DisputeType.NEIGHBOUR,
                                mediator="调解员", received_on=datetime.date(2020, 3, 1))
    crew = team(world.community_a, manager=manager_user(world.community_a))
    shift = past_shift(crew)
    served(shift, volunteer(world.community_a))
    volunteer(world.community_a, phone="13900139000")
    return timezone.now()


def _learn_known_ids(client, token):
    KNOWN.clear()
    for path in schema.raw_schema["paths"]:
        found = _collection(path)
        if not found or found[0] in KNOWN:
            continue
        response = client.get(found[0], HTTP_AUTHORIZATION=f"Token {token}")
        if response.status_code != 200:
            continue
        body = response.json()
        rows = body.get("results", []) if isinstance(body, dict) else body
        values = [row[found[1]] for row in rows if isinstance(row, dict) and found[1] in row]
        if values:
            KNOWN[found[0]] = values[:20]


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    """The shared world and its data, built once for the module inside a transaction that is
    rolled back at the end; each operation's test runs in a savepoint inside it."""
    from django.test import Client

    from core import accounts
    from tests import conftest

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = conftest.world.__wrapped__(None)
            _populate(world)
            token = accounts.issue_token(actor=world.officer_a, second_factor=False).key
            _learn_known_ids(Client(), token)
            yield token
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            KNOWN.clear()


@schema.parametrize()
@hypothesis.settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, database=None)
def test_no_generated_request_gets_a_server_error(case, fuzz_world, db):
    # As Django's test client does: the end of a request must not close the test's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = case.call(headers={"Authorization": f"Token {fuzz_world}"})
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    case.validate_response(response, checks=[not_a_server_error])
