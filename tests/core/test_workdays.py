"""Deadlines count working days of the Chinese calendar, with the city's own exceptions."""

import datetime
import logging

import pytest

from core import services
from core.models import AuditEvent, WorkdayOverride
from core.workdays import add_working_days, is_working_day, working_days_between

D = datetime.date


@pytest.mark.django_db
class TestNationalCalendar:
    def test_national_day_week_2020_is_off_and_its_adjusted_weekend_days_are_worked(self):
        assert not any(is_working_day(D(2020, 10, day)) for day in range(1, 9))  # 1–8 October
        assert is_working_day(D(2020, 9, 27))  # a Sunday worked (调休)
        assert is_working_day(D(2020, 10, 10))  # a Saturday worked
        assert not is_working_day(D(2020, 10, 11))  # an ordinary Sunday

    def test_spring_festival_2020_including_the_extension_is_off(self):
        assert is_working_day(D(2020, 1, 19))  # Sunday before the festival, worked
        assert not any(is_working_day(D(2020, 1, day)) for day in range(24, 32))
        assert not is_working_day(D(2020, 2, 2))  # the 2020 extension (COVID-19)
        assert is_working_day(D(2020, 2, 3))

    def test_a_deadline_five_working_days_after_30_september_2020_skips_the_golden_week(self):
        # 30 Sep (Wed) + 5 working days: 9 Oct (Fri) is the first, 10 Oct (Sat, adjusted) the second …
        assert add_working_days(D(2020, 9, 30), 1) == D(2020, 10, 9)
        assert add_working_days(D(2020, 9, 30), 2) == D(2020, 10, 10)
        assert add_working_days(D(2020, 9, 30), 5) == D(2020, 10, 14)

    def test_counting_back_and_zero_days(self):
        assert add_working_days(D(2020, 10, 9), -1) == D(2020, 9, 30)
        assert add_working_days(D(2020, 10, 1), 0) == D(2020, 10, 9)  # a holiday: the next working day
        assert add_working_days(D(2020, 9, 30), 0) == D(2020, 9, 30)

    def test_working_days_between_counts_after_the_first_up_to_the_last(self):
        # 27 (adjusted Sunday), 28, 29, 30 September, 9 and 10 (adjusted Saturday) October
        assert working_days_between(D(2020, 9, 25), D(2020, 10, 10)) == 6
        assert working_days_between(D(2020, 10, 10), D(2020, 9, 25)) == -6
        assert add_working_days(D(2020, 9, 25), 6) == D(2020, 10, 10)

    def test_a_year_the_package_does_not_know_falls_back_to_monday_to_friday_and_says_so(self, caplog):
        with caplog.at_level(logging.WARNING, logger="core.workdays"):
            assert is_working_day(D(2099, 1, 1))  # a Thursday; no holiday data for 2099
            assert not is_working_day(D(2099, 1, 3))  # a Saturday
            assert add_working_days(D(2099, 1, 2), 1) == D(2099, 1, 5)
        assert "2099" in caplog.text and "Monday to Friday" in caplog.text


class TestLocalOverrides:
    def test_an_override_wins_over_the_national_calendar_both_ways(self, world):
        services.set_workday_override(actor=world.city_admin, date=D(2020, 10, 12), is_workday=False,
                                      reason="Local flood emergency")
        services.set_workday_override(actor=world.city_admin, date=D(2020, 10, 3), is_workday=True,
                                      reason="Census field day")
        assert not is_working_day(D(2020, 10, 12))
        assert is_working_day(D(2020, 10, 3))
        assert add_working_days(D(2020, 9, 30), 1) == D(2020, 10, 3)
        assert add_working_days(D(2020, 10, 10), 1) == D(2020, 10, 13)
        assert working_days_between(D(2020, 10, 9), D(2020, 10, 13)) == 2  # 10 and 13 October

    def test_saving_an_override_is_audited_with_its_reason(self, world):
        services.set_workday_override(actor=world.city_admin, date=D(2020, 10, 12), is_workday=False,
                                      reason="Local flood emergency")
        event = AuditEvent.objects.get(action="core.workday_override.save")
        assert event.actor == world.city_admin and event.reason == "Local flood emergency"

    def test_only_the_city_administrator_may_change_the_calendar(self, world):
        from core.exceptions import NoPermission

        with pytest.raises(NoPermission):
            services.set_workday_override(actor=world.officer_a, date=D(2020, 10, 12), is_workday=False,
                                          reason="Local flood emergency")
        assert not WorkdayOverride.objects.exists()

    def test_the_admin_shows_overrides_to_the_city_administrator_and_to_no_district_officer(self, world, web):
        from django.urls import reverse

        WorkdayOverride.objects.create(date=D(2020, 10, 12), is_workday=False, reason="flood")
        url = reverse("admin:core_workdayoverride_changelist")
        assert web(world.city_admin).get(url).status_code == 200
        assert web(world.officer_a).get(url).status_code == 403

    def test_the_city_administrator_adds_an_override_in_the_admin_through_the_service(self, world, web):
        from django.urls import reverse

        response = web(world.city_admin).post(reverse("admin:core_workdayoverride_add"), {
            "date": "2020-10-12", "is_workday": "", "reason": "Local flood emergency"})
        assert response.status_code == 302
        assert not is_working_day(D(2020, 10, 12))
        assert AuditEvent.objects.filter(action="core.workday_override.save", actor=world.city_admin).exists()

