import rules

from accounts.rules import is_city_officer, is_system_admin

can_manage_notices = is_city_officer | is_system_admin


@rules.predicate
def call_has_applications(user, call):
    """The call's settings are frozen once its first application exists (it was started on them)."""
    if call is None:
        return False
    annotated = getattr(call, "has_applications", None)  # programmes.selectors.calls_public() annotates it
    return annotated if annotated is not None else call.applications.exists()


rules.add_perm("programmes.manage_notice", can_manage_notices)
rules.add_perm("programmes.manage_call", can_manage_notices)
# A new year's call from an existing one, and its settings before the first application: the city officer.
# (call_update answers 409 rather than 403 when the call is locked: the officer may, the call no longer can.)
rules.add_perm("programmes.copy_call", is_city_officer)
rules.add_perm("programmes.change_call", is_city_officer)
# The same as rules (not widened for superusers as user.has_perm is), for templates: {% test_rule %}.
rules.add_rule("programmes.copy_call", is_city_officer)
rules.add_rule("programmes.change_call", is_city_officer)
