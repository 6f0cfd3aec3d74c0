"""JSON API of the inbox: the caller's own messages only; another person's message is 404."""

from __future__ import annotations

from ninja import Query, Router, Schema
from pydantic import Field

from notifications import selectors, services

router = Router(tags=["inbox"])


class InboxQuery(Schema):
    page: int = Field(1, ge=1)


def message_out(message):
    return {
        "id": message.id,
        "subject": message.subject,
        "body": message.body,
        "link": message.link,
        "kind": message.kind,
        "created_at": message.created_at.isoformat(),
        "read": message.read_at is not None,
    }


@router.get("/inbox", summary="本人的站内消息（分页，最新在前）", description="每页 20 条；page 从 1 开始。")
def inbox(request, query: Query[InboxQuery]):
    count, messages = selectors.inbox_slice(request.user, page=query.page)
    return {
        "count": count,
        "unread": selectors.unread_count(request.user),
        "items": [message_out(m) for m in messages],
    }


@router.post("/inbox/{message_id}/read", summary="标为已读", description="他人的消息：404。")
def read(request, message_id: int):
    message = selectors.message_for(request.user, pk=message_id)
    return message_out(services.message_mark_read(message=message, user=request.user))
