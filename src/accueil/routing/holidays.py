"""French public holidays, computed (Easter by the Meeus/Jones/Butcher algorithm), per calendar."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

# Abolition of slavery, a public holiday in each overseas department (law of 30 June 1983 and decrees).
_ABOLITION = {"guadeloupe": (5, 27), "martinique": (5, 22), "guyane": (6, 10), "reunion": (12, 20), "mayotte": (4, 27)}
CALENDARS = frozenset({"metropole", "alsace_moselle", *_ABOLITION})


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous algorithm, valid for every year after 1583)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=256)
def holidays(year: int, calendar: str = "metropole") -> dict[date, str]:
    """The public holidays of `year` in `calendar` (metropole, alsace_moselle or an overseas department)."""
    if calendar not in CALENDARS:
        raise ValueError(f"calendrier de jours fériés inconnu : {calendar}")
    easter = easter_sunday(year)
    days = {
        date(year, 1, 1): "Jour de l'an",
        easter + timedelta(days=1): "Lundi de Pâques",
        date(year, 5, 1): "Fête du Travail",
        date(year, 5, 8): "Victoire 1945",
        easter + timedelta(days=39): "Ascension",
        easter + timedelta(days=50): "Lundi de Pentecôte",
        date(year, 7, 14): "Fête nationale",
        date(year, 8, 15): "Assomption",
        date(year, 11, 1): "Toussaint",
        date(year, 11, 11): "Armistice 1918",
        date(year, 12, 25): "Noël",
    }
    if calendar == "alsace_moselle":
        days[easter - timedelta(days=2)] = "Vendredi saint"
        days[date(year, 12, 26)] = "Saint-Étienne"
    if calendar in _ABOLITION:
        month, day = _ABOLITION[calendar]
        days[date(year, month, day)] = "Abolition de l'esclavage"
    return days


def holiday_name(day: date, calendar: str = "metropole") -> str | None:
    return holidays(day.year, calendar).get(day)
