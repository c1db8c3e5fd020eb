"""Country names in the UI language, for the holiday country list.

The ``holidays`` package names its countries in English only; pycountry ships
the ISO 3166 names with their translations (the iso-codes project), so a
Russian session lists «Германия (DE)», not "Germany (DE)".
"""

from __future__ import annotations

import gettext
from functools import lru_cache

from PySide6.QtCore import QLocale

# Codes that the holidays package knows but ISO 3166 does not: Kosovo's
# user-assigned XK, and UK, an alias of GB.
_NOT_IN_ISO = {"XK": {"ru": "Косово"}, "UK": {"ru": "Великобритания"}}


@lru_cache(maxsize=8)
def _translation(language: str) -> gettext.NullTranslations:
    try:
        import pycountry

        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except (ImportError, OSError):
        return gettext.NullTranslations()


def country_name(code: str, english: str, language: str | None = None) -> str:
    """``code``'s name in ``language`` (the UI's by default), else ``english``."""
    language = language or QLocale().name().split("_")[0]
    if language == "en":
        return english
    if code in _NOT_IN_ISO:
        return _NOT_IN_ISO[code].get(language, english)
    try:
        import pycountry

        country = pycountry.countries.get(alpha_2=code)
    except ImportError:
        return english
    if country is None:
        return english
    return _translation(language).gettext(country.name)


def holiday_countries(countries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``(code, name in the UI language)`` sorted by that name."""
    named = [(code, country_name(code, name)) for code, name in countries]
    return sorted(named, key=lambda item: item[1].casefold())
