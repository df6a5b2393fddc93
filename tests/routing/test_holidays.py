"""French public holidays and business hours, from tables."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from accueil.core.errors import InvalidInput
from accueil.routing import easter_sunday, holiday_name, holidays, load_policy, parse_policy


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_easter(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_metropole_2026() -> None:
    days = holidays(2026)
    assert len(days) == 11
    assert days[date(2026, 4, 6)] == "Lundi de Pâques"
    assert days[date(2026, 5, 14)] == "Ascension"
    assert days[date(2026, 5, 25)] == "Lundi de Pentecôte"
    assert date(2026, 4, 3) not in days  # Good Friday only in Alsace-Moselle


@pytest.mark.parametrize(
    ("calendar", "day", "name"),
    [
        ("alsace_moselle", date(2026, 4, 3), "Vendredi saint"),
        ("alsace_moselle", date(2026, 12, 26), "Saint-Étienne"),
        ("guadeloupe", date(2026, 5, 27), "Abolition de l'esclavage"),
        ("reunion", date(2026, 12, 20), "Abolition de l'esclavage"),
        ("metropole", date(2026, 12, 26), None),
    ],
)
def test_regional_calendars(calendar: str, day: date, name: str | None) -> None:
    assert holiday_name(day, calendar) == name


@pytest.mark.parametrize(
    ("organisation", "skill", "at", "open_"),
    [
        ("URS_IDF", "attestations", datetime(2026, 6, 3, 6, 29, tzinfo=UTC), False),  # 08:29 Paris (summer time)
        ("URS_IDF", "attestations", datetime(2026, 6, 3, 6, 30, tzinfo=UTC), True),
        ("URS_IDF", "attestations", datetime(2026, 6, 3, 15, 30, tzinfo=UTC), False),  # 17:30 Paris
        ("URS_IDF", "attestations", datetime(2026, 1, 7, 16, 29, tzinfo=UTC), True),  # 17:29 Paris (winter time)
        ("URS_IDF", "attestations", datetime(2026, 6, 6, 9, 0, tzinfo=UTC), False),  # Saturday
        ("URS_IDF", "attestations", datetime(2026, 7, 14, 9, 0, tzinfo=UTC), False),  # 14 juillet
        ("CN_CESU", "particuliers_employeurs", datetime(2026, 6, 5, 14, 30, tzinfo=UTC), False),  # Friday 16:30
        ("URS_ALS", "attestations", datetime(2026, 4, 3, 9, 0, tzinfo=UTC), False),  # Good Friday in Alsace
        ("URS_IDF", "attestations", datetime(2026, 4, 3, 9, 0, tzinfo=UTC), True),
        ("CGSS_RE", "attestations", datetime(2026, 6, 3, 14, 0, tzinfo=UTC), False),  # 18:00 in La Réunion
        ("CGSS_RE", "attestations", datetime(2026, 6, 3, 5, 0, tzinfo=UTC), True),  # 09:00 in La Réunion
    ],
)
def test_hours(organisation: str, skill: str, at: datetime, open_: bool) -> None:
    assert load_policy().hours_for(organisation, skill).is_open(at) is open_


def test_next_opening_skips_weekend_and_holidays() -> None:
    hours = load_policy().hours_for("URS_IDF", "attestations")
    friday_evening = datetime(2026, 5, 22, 17, 0, tzinfo=UTC)  # Friday before Whit Monday
    opening = hours.next_opening(friday_evening)
    assert opening is not None and opening.date() == date(2026, 5, 26) and (opening.hour, opening.minute) == (8, 30)
    assert hours.describe() == "du lundi au vendredi de 8 h 30 à 17 h 30"


def test_invalid_policies_are_refused() -> None:
    base = {"hours": {"lundi": ["08:30-17:30"]}}
    with pytest.raises(InvalidInput):
        parse_policy({"hours": {"lundi": ["18:00-08:00"]}})
    with pytest.raises(InvalidInput):
        parse_policy({**base, "holidays": "mars"})
    with pytest.raises(InvalidInput):
        parse_policy({"hours": {"funday": ["08:00-09:00"]}})
    assert parse_policy(base).always_open().hours.is_open(datetime(2026, 12, 25, 3, 0, tzinfo=UTC))
