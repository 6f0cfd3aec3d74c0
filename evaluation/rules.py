"""Who may do what in the expert review — the one place it is decided.

The city officer keeps the pool, draws panels, reads rankings and reopens a submitted score. An expert reads
and acts on their own assignments only: never another expert's assignment, score or identity.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from accounts.rules import is_city_officer, is_expert
from core.rules import NOTHING, Rule, object_rule


def _own_q(user):
    return Q(expert__user_id=user.pk) if is_expert(user) else NOTHING


@object_rule(q=_own_q)
def own_assignment(user, assignment):
    return is_expert(user) and assignment is not None and assignment.expert.user_id == user.pk


def _state_rule(*states) -> Rule:
    return Rule(
        lambda user, assignment: assignment is not None and assignment.state in states,
        lambda user: Q(state__in=states),
        f"assignment_in_{'_'.join(states)}",
    )


may_declare = own_assignment & _state_rule("assigned")
# Reading the application and scoring it: only after declaring no conflict and signing the commitment.
may_read_application = own_assignment & _state_rule("declared", "scored")
may_score = own_assignment & _state_rule("declared")

rules.add_perm("evaluation.manage_experts", is_city_officer)
rules.add_perm("evaluation.draw_panel", is_city_officer)
rules.add_perm("evaluation.view_ranking", is_city_officer)
rules.add_perm("evaluation.reopen_score", is_city_officer)
rules.add_perm("evaluation.change_settings", is_city_officer)
rules.add_perm("evaluation.manage_selection", is_city_officer)
rules.add_perm("evaluation.view_assignment", own_assignment.predicate)
rules.add_perm("evaluation.declare_assignment", may_declare.predicate)
rules.add_perm("evaluation.read_assigned_application", may_read_application.predicate)
rules.add_perm("evaluation.score_assignment", may_score.predicate)
rules.add_perm("evaluation.issue_password_link", is_city_officer)
