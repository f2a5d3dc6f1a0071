"""The dashboard keeps the list of computed periods in the cache between runs (no run row read per
request), and a finished run makes the next request read it afresh."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import services
from reports.choices import RunTrigger

URL = "/reports/"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_periods_are_kept_between_runs_and_a_run_shows_its_period_at_once(world, web):
    services.run_now(actor=None, period="2020", trigger=RunTrigger.COMMAND)
    client = web(world.officer_a)
    params = {"area": world.district_a.code, "period": "2020"}
    assert client.get(URL, params).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL, params).content.decode()
    assert 'href="?area=340302000000&amp;period=2020"' in page
    assert not [q for q in queries.captured_queries if "reports_reportrun" in q["sql"]], queries.captured_queries

    services.run_now(actor=None, period="2019", trigger=RunTrigger.COMMAND)
    page = client.get(URL, params).content.decode()
    assert 'href="?area=340302000000&amp;period=2019"' in page
