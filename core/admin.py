"""Admin building blocks shared by the apps."""


class ReadOnlyAdminMixin:
    """An admin (or inline) that shows rows and changes none: the rows are written by services (which audit
    and version them) or are append-only records."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
