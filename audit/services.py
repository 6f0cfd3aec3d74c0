from audit import chain
from audit.context import current_ip, request_ip
from audit.models import Event


def audit_record(
    *,
    action,
    actor=None,
    obj=None,
    summary="",
    data=None,
    request=None,
    from_state=None,
    to_state=None,
    comment=None,
    organisation=None,
) -> Event:
    """Append one event to the chain. Call it inside the transaction of the change it records.

    The actor's username, role and organisation are copied as text, so the event keeps saying who acted, in
    which role and for whom whatever later happens to the account. `from_state`, `to_state` and `comment`
    default to data's "from", "to" and "comment"; `organisation` to the actor's; the address to the request's,
    or without one to the current request's (audit.context).
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    data = data or {}
    if organisation is None and actor is not None:
        organisation = getattr(actor, "organisation", None)
    event = Event(
        action=action,
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        actor_role=(getattr(actor, "role", "") or "") if actor is not None else "",
        actor_organisation_id=getattr(organisation, "pk", None),
        actor_organisation_name=(getattr(organisation, "name", "") or "")[:128],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        from_state=_text(from_state if from_state is not None else data.get("from"))[:64],
        to_state=_text(to_state if to_state is not None else data.get("to"))[:64],
        comment=_text(comment if comment is not None else data.get("comment")),
        data=data,
        ip=request_ip(request) if request is not None else current_ip(),
    )
    return chain.append(event)


def _text(value) -> str:
    return "" if value is None else str(value)
