"""Names stored as data, shown in the page's language.

County-level units, industries, categories and materials are rows or constants written in Chinese: that text is
their msgid (marked with ``gettext_noop`` where the rows are defined, so ``make messages`` extracts it) and is
translated when it is shown, never stored translated. A copied call moves the years in its material names
(2018 → 2019), so a name with years is also looked up with its years as placeholders, ``%(y1)s``, ``%(y2)s``…
in order; the years are put back into the translation. A name without a translation (typed by an officer) is
shown as it is.
"""

import re

from django.utils.translation import gettext

YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def year_free(name: str) -> tuple[str, dict[str, str]]:
    """ "企业2017、2018年度…" → ("企业%(y1)s、%(y2)s年度…", {"y1": "2017", "y2": "2018"})."""
    years: dict[str, str] = {}

    def placeholder(match):
        key = f"y{len(years) + 1}"
        years[key] = match.group()
        return f"%({key})s"

    return YEAR.sub(placeholder, name.replace("%", "%%")), years


def translated_name(name) -> str:
    """The translation of a data name in the active language, or the name itself."""
    if not name:
        return name
    name = str(name)
    translated = gettext(name)
    if translated != name or not YEAR.search(name):
        return translated
    msgid, years = year_free(name)
    translated = gettext(msgid)
    return name if translated == msgid else translated % years
