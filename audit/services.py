from audit.models import Event


def audit_record(*, action, actor=None, obj=None, summary="", data=None, request=None):
    """Append one event. Call it inside the transaction of the change it records."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return Event.objects.create(
        action=action,
        actor=actor,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        data=data or {},
        ip=request.META.get("REMOTE_ADDR") if request is not None else None,
    )
