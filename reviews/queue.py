"""The county queue (/review/): the applications a reviewer may review, filtered, searched, sorted, one page.

What the caller may see is decided by the applications selector (`applications_visible_to`: a county
reviewer's own unit once submitted, every unit for the city); this module adds what only the review knows —
which bureau still owes an opinion in the current round (an Exists on CountyOpinion) and how many automatic
flags each row has — as annotations, so a page is the same few queries at 10 or 10,000 applications.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from accounts.models import User
from applications import listing, workflow
from applications import selectors as application_selectors
from applications.models import Application, ApplicationFlag
from core.errors import DomainError
from programmes.vocabulary import BUREAUS
from reviews.models import CountyOpinion

OWES_PARAM = "owes"


def _opinion_given(bureau: str):
    """This bureau has given its opinion in the application's current round."""
    return Exists(
        CountyOpinion.objects.filter(application=OuterRef("pk"), round=OuterRef("review_round"), bureau=bureau)
    )


def _flag_count():
    counts = (
        ApplicationFlag.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def owes_q(bureau: str) -> Q:
    """Awaiting the county (submitted, under review, sent back) and this bureau's opinion missing this round."""
    return Q(status__in=workflow.COUNTY_QUEUE) & Q(**{f"given_{bureau}": False})


def queue_queryset(user: User) -> QuerySet[Application]:
    """The caller's visible submitted applications with `given_<bureau>` and `flag_count` annotated."""
    qs = application_selectors.applications_visible_to(user).filter(receipt_no__isnull=False)
    return qs.annotate(
        **{f"given_{code}": _opinion_given(code) for code in BUREAUS.codes},
        flag_count=_flag_count(),
    )


def parse_queue_query(params: Mapping, *, strict: bool = False) -> listing.ListQuery:
    query = listing.parse_query(params, strict=strict)
    owes = (params.get(OWES_PARAM) or "").strip()
    if owes and owes not in BUREAUS.codes:
        if strict:
            raise DomainError(gettext("owes 只能是：%(s)s。") % {"s": "、".join(BUREAUS.codes)}, field=OWES_PARAM)
        owes = ""
    if not query.sort:
        query = replace(query, sort="-submitted_at")  # the queue reads newest submissions first
    return replace(query, extra={OWES_PARAM: owes} if owes else {})


@dataclass(frozen=True)
class QueueRow:
    application: Application
    owes: tuple[str, ...]  # the bureaus whose opinion is still missing in the current round

    @property
    def owes_labels(self):
        return [BUREAUS.label(code) for code in self.owes]


def queue_row(application: Application) -> QueueRow:
    awaiting = application.status in workflow.COUNTY_QUEUE
    owes = tuple(code for code in BUREAUS.codes if awaiting and not getattr(application, f"given_{code}"))
    return QueueRow(application=application, owes=owes)


def queue_page(user: User, query: listing.ListQuery, *, clamp: bool = True) -> tuple[listing.ListPage, list[QueueRow]]:
    """One page of the queue (count, keys, rows: three queries) and its rows with the bureaus that owe an opinion.
    The page shows the last page for one past the end (clamp); the API answers an empty page."""
    qs = listing.filter_applications(queue_queryset(user), query)
    owes = query.extra.get(OWES_PARAM)
    if owes:
        qs = qs.filter(owes_q(owes))
    page = listing.paginate(qs, query, clamp=clamp)
    return page, [queue_row(a) for a in page.items]


def queue_filters(user: User) -> dict:
    choices = listing.filter_choices(user)
    choices["statuses"] = [(v, label) for v, label in choices["statuses"] if v != Application.Status.WITHDRAWN]
    choices["owes"] = list(BUREAUS)
    return choices
