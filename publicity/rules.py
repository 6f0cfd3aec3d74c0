"""Who may do what in the publicity — the one place it is decided.

Reading a publicity's page and lodging an objection are public (no rule: anyone, no login). Publishing, reading
objections and deciding them belong to the staff who run the call: the city bureau (市工信局) runs every call
of this system, so `runs_call` is the city officer; when calls get an organising bureau of their own, this is
the one predicate to narrow, and its query form keeps the lists in step.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from accounts.rules import is_city_officer
from core.rules import EVERYTHING, NOTHING, Rule


def _runs_call_q(user):
    return EVERYTHING if is_city_officer(user) else NOTHING


# Objects are a Call, a Publicity or an Objection; the query form filters Publicity or Objection rows alike.
runs_call = Rule(lambda user, obj: bool(is_city_officer(user)), _runs_call_q, "runs_call")


def objections_q(user) -> Q:
    return runs_call.q(user)


rules.add_perm("publicity.publish", runs_call.predicate)
rules.add_perm("publicity.view_objections", runs_call.predicate)
rules.add_perm("publicity.decide_objection", runs_call.predicate)
