"""Dates (ISO YYYY-MM-DD) and periods (YYYY, YYYY-MM, YYYY-Qn, YYYY-Sn) in French, relative to a reference day.

Absolute: "15/03/2026", "2026-03-15", "le 15 mars", "1er avril 2026", "lundi 15 mars". Relative:
"aujourd'hui", "demain", "après-demain", "hier", "lundi prochain", "mardi dernier", "ce vendredi",
"fin du mois", "fin mars", "début du mois prochain", "dans 3 jours". A day without a year is in the
reference year. Periods: "T1 2025", "3e trimestre" (reference year), "premier semestre 2025",
"mars 2025", "03/2025", "2025", "le mois dernier", "l'année dernière".
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from accueil.understanding.entities.types import Candidate, EntityType

MONTHS = {
    "janvier": 1,
    "janv": 1,
    "février": 2,
    "fevrier": 2,
    "févr": 2,
    "fevr": 2,
    "fév": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "décembre": 12,
    "decembre": 12,
    "déc": 12,
    "dec": 12,
}
WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
ORDINALS = {
    "1er": 1,
    "1re": 1,
    "1ère": 1,
    "1ere": 1,
    "premier": 1,
    "première": 1,
    "premiere": 1,
    "1": 1,
    "2e": 2,
    "2ème": 2,
    "2eme": 2,
    "2nd": 2,
    "2nde": 2,
    "second": 2,
    "seconde": 2,
    "deuxième": 2,
    "deuxieme": 2,
    "2": 2,
    "3e": 3,
    "3ème": 3,
    "3eme": 3,
    "troisième": 3,
    "troisieme": 3,
    "3": 3,
    "4e": 4,
    "4ème": 4,
    "4eme": 4,
    "quatrième": 4,
    "quatrieme": 4,
    "4": 4,
}
SMALL = {"un": 1, "une": 1, "deux": 2, "trois": 3}

_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = "(" + "|".join(WEEKDAYS) + ")"
_ORDINAL = "(" + "|".join(sorted((re.escape(k) for k in ORDINALS), key=len, reverse=True)) + ")"
_YEAR = r"(\d{4})"
_B = r"(?<![\w])"
_E = r"(?![\w])"
Handler = Callable[[re.Match[str], date], tuple[EntityType, str, bool] | None]


def _iso(year: int, month: int, day: int) -> tuple[EntityType, str, bool]:
    try:
        return EntityType.DATE, date(year, month, day).isoformat(), True
    except ValueError:
        return EntityType.DATE, f"{year:04d}-{month:02d}-{day:02d}", False


def _day(value: date) -> tuple[EntityType, str, bool]:
    return EntityType.DATE, value.isoformat(), True


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(today: date, months: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 + months
    return index // 12, index % 12 + 1


def _year(text: str | None, today: date) -> int:
    if not text:
        return today.year
    value = int(text)
    return 2000 + value if value < 100 else value


def _numeric_date(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    return _iso(_year(m.group(3), today), int(m.group(2)), int(m.group(1)))


def _iso_date(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _named_date(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    day = 1 if m.group(2).lower() in {"1er", "premier"} else int(m.group(2))
    return _iso(_year(m.group(4), today), MONTHS[m.group(3).lower()], day)


def _offset(days: int) -> Handler:
    return lambda m, today: _day(today + timedelta(days=days))


def _weekday(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    prefix, name, suffix = (m.group(1) or "").lower(), m.group(2).lower(), (m.group(3) or "").lower()
    delta = (WEEKDAYS[name] - today.weekday()) % 7
    if suffix == "dernier":
        return _day(today - timedelta(days=(today.weekday() - WEEKDAYS[name]) % 7 or 7))
    if prefix.startswith("ce"):
        return _day(today + timedelta(days=delta))
    return _day(today + timedelta(days=delta or 7))


def _in_delay(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    raw, unit = m.group(2).lower(), m.group(3).lower()
    count = SMALL.get(raw) or int(raw)
    sign = -1 if m.group(1).lower().startswith("il") else 1
    if unit.startswith("mois"):
        year, month = _add_months(today, sign * count)
        return _day(date(year, month, min(today.day, calendar.monthrange(year, month)[1])))
    days = count * (7 if unit.startswith("semaine") else 1)
    return _day(today + timedelta(days=sign * days))


def _end_of_this_month(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    year, month = _add_months(today, 1 if m.group(1) else 0)
    return _day(_month_end(year, month))


def _start_of_next_month(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    year, month = _add_months(today, 1)
    return _day(date(year, month, 1))


def _edge_of_month(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    edge, month, year = m.group(1).lower(), MONTHS[m.group(2).lower()], _year(m.group(3), today)
    if edge.startswith("fin"):
        return _day(_month_end(year, month))
    return _day(date(year, month, 15 if edge.startswith("mi") else 1))


def _quarter(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    return EntityType.PERIOD, f"{_year(m.group(2), today)}-Q{ORDINALS[m.group(1).lower()]}", True


def _quarter_code(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    quarter, year = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    return EntityType.PERIOD, f"{year}-Q{quarter}", True


def _relative_quarter(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    word = m.group().lower()
    shift = -1 if ("dernier" in word or "précédent" in word or "precedent" in word) else 1 if "prochain" in word else 0
    index = today.year * 4 + (today.month - 1) // 3 + shift
    return EntityType.PERIOD, f"{index // 4}-Q{index % 4 + 1}", True


def _semester(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    return EntityType.PERIOD, f"{_year(m.group(2), today)}-S{ORDINALS[m.group(1).lower()]}", True


def _month_year(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    return EntityType.PERIOD, f"{int(m.group(2)):04d}-{MONTHS[m.group(1).lower()]:02d}", True


def _numeric_month(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    month = int(m.group(1))
    return EntityType.PERIOD, f"{m.group(2)}-{month:02d}", 1 <= month <= 12


def _relative_month(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    word = m.group().lower()
    shift = -1 if ("dernier" in word or "précédent" in word or "precedent" in word) else 1 if "prochain" in word else 0
    year, month = _add_months(today, shift)
    return EntityType.PERIOD, f"{year:04d}-{month:02d}", True


def _relative_year(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    word = m.group().lower()
    shift = (
        -1
        if ("dernier" in word or "dernière" in word or "passée" in word or "passee" in word)
        else (1 if "prochain" in word else 0)
    )
    return EntityType.PERIOD, str(today.year + shift), True


def _end_of_year(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    return _day(date(today.year, 12, 31))


def _year_only(m: re.Match[str], today: date) -> tuple[EntityType, str, bool]:
    return EntityType.PERIOD, m.group(1), True


# A pattern is only tried when its trigger is present: cheap substring tests before the regexes.
Trigger = str | tuple[str, ...]
DIGIT = "DIGIT"
MONTHS_TRIGGER = (
    "janv",
    "fév",
    "fev",
    "mars",
    "avr",
    "mai",
    "juin",
    "juil",
    "août",
    "aout",
    "sept",
    "oct",
    "nov",
    "déc",
    "dec",
)
WEEKDAYS_TRIGGER = tuple(WEEKDAYS)
_I = re.IGNORECASE
PATTERNS: list[tuple[re.Pattern[str], Handler, Trigger]] = [
    (re.compile(rf"{_B}(\d{{1,2}})[/.\-](\d{{1,2}})(?:[/.\-](\d{{4}}|\d\d))?(?![\w]|[/.\-]\d)"), _numeric_date, DIGIT),
    (re.compile(rf"{_B}(\d{{4}})-(\d\d)-(\d\d){_E}"), _iso_date, DIGIT),
    (
        re.compile(rf"{_B}(?:{_WEEKDAY}\s+)?(1er|premier|\d{{1,2}})\s+{_MONTH}(?:\s+{_YEAR})?{_E}", _I),
        _named_date,
        MONTHS_TRIGGER,
    ),
    (re.compile(rf"{_B}(?:aujourd'hui|aujourd’hui|aujourdhui|ce jour){_E}", _I), _offset(0), ("aujourd", "ce jour")),
    (re.compile(rf"{_B}après[- ]demain{_E}|{_B}apres[- ]demain{_E}", _I), _offset(2), ("demain",)),
    (re.compile(rf"{_B}avant[- ]hier{_E}", _I), _offset(-2), ("hier",)),
    (re.compile(rf"{_B}demain{_E}", _I), _offset(1), ("demain",)),
    (re.compile(rf"{_B}hier{_E}", _I), _offset(-1), ("hier",)),
    (
        re.compile(rf"{_B}(ce\s+|cette\s+semaine\s+)?{_WEEKDAY}(?:\s+(prochain|dernier|suivant))?{_E}", _I),
        _weekday,
        WEEKDAYS_TRIGGER,
    ),
    (
        re.compile(rf"{_B}(dans|il y a)\s+(\d+|une?|deux|trois)\s+(jours?|semaines?|mois){_E}", _I),
        _in_delay,
        ("dans", "il y a"),
    ),
    (
        re.compile(rf"{_B}(?:à la |a la |en )?fin (?:du|de ce) mois(?:-ci)?(\s+prochain)?{_E}", _I),
        _end_of_this_month,
        ("fin",),
    ),
    (
        re.compile(rf"{_B}(?:au )?début du mois prochain{_E}|{_B}(?:au )?debut du mois prochain{_E}", _I),
        _start_of_next_month,
        ("but du mois",),
    ),
    (
        re.compile(rf"{_B}(fin|début|debut|mi)(?:\s+|-)(?:de\s+|d')?{_MONTH}(?:\s+{_YEAR})?{_E}", _I),
        _edge_of_month,
        MONTHS_TRIGGER,
    ),
    (re.compile(rf"{_B}fin (?:de l'|d')ann[ée]e{_E}", _I), _end_of_year, ("fin",)),
    (
        re.compile(rf"{_B}{_ORDINAL}\s+trimestre(?:\s+(?:de\s+|d')?(?:l'ann[ée]e\s+)?{_YEAR})?{_E}", _I),
        _quarter,
        ("trimestre",),
    ),
    (
        re.compile(rf"{_B}(?:[TQ]([1-4])\s?[-/ ]?\s?(\d{{4}})|(\d{{4}})\s?[-/ ]?\s?[TQ]([1-4])){_E}", _I),
        _quarter_code,
        DIGIT,
    ),
    (
        re.compile(
            rf"{_B}(?:(?:le\s+)?trimestre\s+(?:dernier|précédent|precedent|prochain)|ce trimestre(?:-ci)?){_E}", _I
        ),
        _relative_quarter,
        ("trimestre",),
    ),
    (re.compile(rf"{_B}{_ORDINAL}\s+semestre(?:\s+(?:de\s+|d')?{_YEAR})?{_E}", _I), _semester, ("semestre",)),
    (re.compile(rf"{_B}{_MONTH}\s+(?:de l'année\s+)?{_YEAR}{_E}", _I), _month_year, MONTHS_TRIGGER),
    (re.compile(rf"(?<![\w/.\-])(0?[1-9]|1[0-2])/(\d{{4}}){_E}"), _numeric_month, DIGIT),
    (
        re.compile(rf"{_B}(?:le\s+)?mois\s+(?:dernier|précédent|precedent|prochain){_E}|{_B}ce mois(?:-ci)?{_E}", _I),
        _relative_month,
        ("mois",),
    ),
    (
        re.compile(rf"{_B}(?:l'ann[ée]e|l'an)\s+(?:derni[èe]re?|pass[ée]e|prochaine?){_E}|{_B}cette ann[ée]e{_E}", _I),
        _relative_year,
        ("ann", "l'an"),
    ),
    (re.compile(r"(?<![\w,.\-/])((?:19[5-9]|20\d)\d)(?![\w]|[,.]\d|\s?(?:€|euros?\b|eur\b|%))", _I), _year_only, DIGIT),
]


def find_temporal(text: str, today: date) -> Iterator[Candidate]:
    lowered = text.lower()
    has_digit = any(ch.isdigit() for ch in text)
    for pattern, handler, trigger in PATTERNS:
        if trigger == DIGIT and not has_digit:
            continue
        if isinstance(trigger, tuple) and not any(word in lowered for word in trigger):
            continue
        for match in pattern.finditer(text):
            found = handler(match, today)
            if found is not None:
                kind, value, valid = found
                yield Candidate(kind, value, match.start(), match.end(), valid)
