from django.db.models import QuerySet

from audit.models import Event


def events_for(object_type: str, object_id) -> QuerySet[Event]:
    """The events recorded on one object (`object_type` is the model's label, "applications.application"),
    oldest first. Who may read which of them is the caller's rule."""
    return Event.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("occurred_at", "id")


def events_for_object(obj) -> QuerySet[Event]:
    return events_for(obj._meta.label_lower, obj.pk)
