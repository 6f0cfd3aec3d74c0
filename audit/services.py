from audit.models import Event


def audit_record(*, action, actor=None, obj=None, summary="", data=None, request=None) -> Event:
    """Append one event. Call it inside the transaction of the change it records.

    The actor's username and role are copied as text, so the event keeps saying who acted and in which role
    whatever later happens to the account.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return Event.objects.create(
        action=action,
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        actor_role=(getattr(actor, "role", "") or "") if actor is not None else "",
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        data=data or {},
        ip=request.META.get("REMOTE_ADDR") if request is not None else None,
    )
