"""The publicity period: its last day (inclusive) from the first day and the number of days, in calendar days
or in working days of China's official calendar (holidays and make-up working days, the `chinesecalendar`
package), and where a moment falls in it. Days are Asia/Shanghai days: the period ends at midnight in Yangzhou.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

DEFAULT_DAYS = 7
MAX_DAYS = 60

BEFORE, OPEN, CLOSED = "before", "open", "closed"


def end_of(starts_on: dt.date, days: int, working_days: bool = False) -> dt.date:
    """The last day of a period of `days` days starting on `starts_on` (counted when it is a working day)."""
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(_("公示天数应在 1 到 %(max)d 天之间。") % {"max": MAX_DAYS}, field="days")
    if not working_days:
        return starts_on + dt.timedelta(days=days - 1)
    day, counted = starts_on, 0
    while True:
        try:
            working = chinese_calendar.is_workday(day)
        except NotImplementedError as exc:
            raise DomainError(
                _("节假日日历尚无 %(year)d 年的数据，无法按工作日计算，请按自然日设置公示期。") % {"year": day.year},
                field="working_days",
            ) from exc
        if working:
            counted += 1
            if counted == days:
                return day
        day += dt.timedelta(days=1)


def local_today(moment: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(moment or timezone.now()).date()


def closes_at(ends_on: dt.date) -> dt.datetime:
    """The moment objections stop: the midnight after the last day, in Yangzhou."""
    midnight = dt.datetime.combine(ends_on + dt.timedelta(days=1), dt.time())
    return timezone.make_aware(midnight, timezone.get_default_timezone())


def opens_at(starts_on: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(starts_on, dt.time()), timezone.get_default_timezone())


def phase(starts_on: dt.date, ends_on: dt.date, moment: dt.datetime | None = None) -> str:
    today = local_today(moment)
    if today < starts_on:
        return BEFORE
    return OPEN if today <= ends_on else CLOSED


def remaining(ends_on: dt.date, moment: dt.datetime | None = None) -> dt.timedelta:
    """Time left until objections close (zero once closed)."""
    left = closes_at(ends_on) - (moment or timezone.now())
    return max(left, dt.timedelta(0))
