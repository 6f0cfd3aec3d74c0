from django.contrib import admin

from audit.models import Event
from core.admin import ReadOnlyAdminMixin


@admin.register(Event)
class EventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the log is append-only, and only services append to it."""

    list_display = [
        "occurred_at",
        "action",
        "actor_username",
        "actor_role",
        "actor_organisation_name",
        "object_type",
        "object_id",
        "summary",
    ]
    list_filter = ["action", "actor_role"]
    search_fields = ["summary", "object_id", "actor_username"]
    list_select_related = False
    # No raw_id/autocomplete widgets and no link to the user form: the event shows the text it keeps.
    exclude = ["actor"]
    readonly_fields = [
        "occurred_at",
        "action",
        "actor_username",
        "actor_role",
        "actor_organisation_name",
        "actor_organisation_id",
        "object_type",
        "object_id",
        "summary",
        "from_state",
        "to_state",
        "comment",
        "data",
        "ip",
        "prev_hash",
        "hash",
    ]
    actions = None
