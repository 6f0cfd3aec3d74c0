"""Object rules that have a query form: one definition answers both "may this user … this object?" and
"which objects may this user …?".

A `Rule` wraps a django-rules predicate `(user, obj) -> bool` together with `q(user) -> Q`, the same condition
as a filter on the object's table. Rules combine with `&`, `|` and `~` like django-rules predicates, and the
combination keeps both forms in step, so a selector (`Model.objects.filter(rule.q(user))`) can never disagree
with the permission checked on one object (`user.has_perm(...)`). Register `rule.predicate` with
`rules.add_perm`.
"""

from __future__ import annotations

from collections.abc import Callable

import rules
from django.db.models import Q

NOTHING = Q(pk__in=[])  # matches no row (Django turns an empty IN into an empty result without a query)
EVERYTHING = Q()


class Rule:
    def __init__(self, test: Callable, q: Callable, name: str):
        self._test = test
        self._q = q
        self.name = name
        self.predicate = rules.Predicate(self.test, name=name)

    def test(self, user, obj=None) -> bool:
        return bool(self._test(user, obj))

    def q(self, user) -> Q:
        return self._q(user)

    def __call__(self, user, obj=None) -> bool:
        return self.test(user, obj)

    def __and__(self, other: Rule) -> Rule:
        return Rule(
            lambda u, o: self.test(u, o) and other.test(u, o),
            lambda u: _and(self.q(u), other.q(u)),
            f"({self.name} & {other.name})",
        )

    def __or__(self, other: Rule) -> Rule:
        return Rule(
            lambda u, o: self.test(u, o) or other.test(u, o),
            lambda u: _or(self.q(u), other.q(u)),
            f"({self.name} | {other.name})",
        )

    def __invert__(self) -> Rule:
        return Rule(lambda u, o: not self.test(u, o), lambda u: ~self.q(u), f"~{self.name}")

    def __repr__(self):
        return f"<Rule {self.name}>"


def _and(a: Q, b: Q) -> Q:
    if a is NOTHING or b is NOTHING:
        return NOTHING
    if a is EVERYTHING:
        return b
    if b is EVERYTHING:
        return a
    return a & b


def _or(a: Q, b: Q) -> Q:
    if a is EVERYTHING or b is EVERYTHING:
        return EVERYTHING
    if a is NOTHING:
        return b
    if b is NOTHING:
        return a
    return a | b


def user_rule(predicate) -> Rule:
    """A rule about the user only (a role): true for every object, or for none."""
    return Rule(
        lambda user, obj: predicate(user),
        lambda user: EVERYTHING if predicate(user) else NOTHING,
        getattr(predicate, "name", None) or predicate.__name__,
    )


def object_rule(q: Callable[..., Q]):
    """Decorator: `@object_rule(q=lambda user: Q(...))` over `def name(user, obj) -> bool`."""

    def wrap(test):
        return Rule(test, q, test.__name__)

    return wrap
