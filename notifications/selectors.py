"""Reads: a user's inbox, and whom to notify."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404

from notifications.models import Message
from notifications.rules import allowed, is_recipient

PAGE_SIZE = 20


def messages_visible_to(user) -> QuerySet[Message]:
    return Message.objects.filter(is_recipient.q(user))


def message_for(user, *, pk: int) -> Message:
    """The message if it is `user`'s; Http404 otherwise (another person's message does not exist for them)."""
    message = messages_visible_to(user).filter(pk=pk).first()
    if message is None or not allowed(user, "notifications.read_message", message):
        raise Http404
    return message


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return messages_visible_to(user).filter(read_at__isnull=True).count()


def inbox_page(user, *, page: int | str | None = 1, page_size: int = PAGE_SIZE) -> Page:
    """One page of the inbox, newest first; a page number out of range gives the nearest page."""
    return Paginator(messages_visible_to(user).order_by("-created_at", "-id"), page_size).get_page(page)


def inbox_slice(user, *, page: int, page_size: int = PAGE_SIZE) -> tuple[int, list[Message]]:
    """The total and one page for the API (a page past the end is empty rather than the last one)."""
    messages = messages_visible_to(user).order_by("-created_at", "-id")
    start = (page - 1) * page_size
    count = messages.count()
    # Past the end no query: an OFFSET beyond the database's integer range would fail (page=10**20).
    return count, list(messages[start : start + page_size]) if start < count else []


def users_of_organisation(org_id: int) -> QuerySet:
    """Everyone active in one organisation (an enterprise's accounts, a bureau's staff)."""
    return get_user_model().objects.filter(organisation_id=org_id, is_active=True)


def users_with_role_in_region(role: str | list[str], region_id: str) -> QuerySet:
    """Active users of one role (or any of several) whose organisation belongs to one region (a county's
    finance reviewers, …)."""
    roles = [role] if isinstance(role, str) else list(role)
    return get_user_model().objects.filter(role__in=roles, organisation__region_id=region_id, is_active=True)
