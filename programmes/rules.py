import rules

from accounts.rules import is_city_officer, is_system_admin

can_manage_notices = is_city_officer | is_system_admin

rules.add_perm("programmes.manage_notice", can_manage_notices)
rules.add_perm("programmes.manage_call", can_manage_notices)
