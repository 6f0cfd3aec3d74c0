"""Hostile request input answered as a refusal, never as a 500 and never as a broken record.

``HostileInputMiddleware`` (before any middleware that reads the post) checks every request's path, query
string and form post (``core.jsonsafe.check_querydict``: NUL and lone surrogates, which PostgreSQL cannot store
and which would fail every later read on SQLite) before the view runs. A refusal is 422 with the error body for
the API and for scripts asking for JSON (the application form's autosave: the field is the input's name, and the
draft stays as it was), and a 400 page in Chinese otherwise: nothing was saved, the browser's Back button returns
to the form with what was typed (a page cannot re-render every form of every app with a form error here).

The post of a view that controls its own body reading (``csrf_exempt``: the uploads, which first install their
size limit, and the API, whose JSON goes through ``shenbao.api_input``) is not parsed early: it is checked when
the view first reads ``request.POST`` / ``request.FILES``, and the refusal is raised there (a ``DomainError``).

Bodies Django refuses to parse become answers too: over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` 413, a malformed
multipart body (e.g. a file name over the multipart header limit) or too many fields 400 — each with the error
body for the API and JSON callers and a page otherwise.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from core.api_errors import errors_response
from core.formatting import file_size
from core.jsonsafe import UnsafeInput, check_querydict, text_problem

UNPARSABLE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, MultiPartParserError)


def wants_json(request) -> bool:
    return (
        request.path_info.startswith("/api/")
        or "application/json" in request.headers.get("Accept", "")
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def too_large_message() -> str:
    return _("请求内容过大（上限 %(limit)s）。") % {"limit": file_size(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}


def unparsable_errors(exc) -> tuple[int, list[dict]]:
    """(status, errors) for a body Django refused to parse."""
    if isinstance(exc, RequestDataTooBig):
        return 413, [{"field": None, "message": too_large_message()}]
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return 400, [{"field": None, "message": _("提交的字段或文件过多。")}]
    message = _("上传内容无法解析：请求格式有误，或文件名过长。请把文件改为较短的名称后重新上传。")
    return 400, [{"field": None, "message": message}]


def refusal(request, status, errors):
    """The error body (422 / 413 / 400) for the API and JSON callers; a page otherwise (400 / 413)."""
    if wants_json(request):
        return errors_response(errors, status=status)
    page_status = 400 if status == 422 else status
    title = _("请求内容过大") if status == 413 else _("提交的内容无法处理")
    context = {"contact": settings.PROGRAMME_CONTACT, "code": page_status, "title": title, "errors": errors}
    return render(request, "request_refused.html", context, status=page_status)


def _checked_loader(request):
    load = request._load_post_and_files

    def load_and_check():
        load()
        try:
            check_querydict(request._post, files=request._files)
        except UnsafeInput:
            # A view that catches the refusal must not go on with what was refused.
            request._post, request._files = type(request._post)(), type(request._files)()
            raise

    return load_and_check


def _reads_its_own_body(request) -> bool:
    """A multipart post to a view that controls when its body is read (csrf_exempt: the uploads, the API)."""
    if request.content_type != "multipart/form-data":
        return False
    try:
        match = resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return bool(getattr(match.func, "csrf_exempt", False))


class HostileInputMiddleware:
    """Before any later middleware or view reads the request (the login throttle reads the post in __call__)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # An instance attribute shadows the method: whoever reads the post first (CSRF, a view, ninja) gets it
        # checked.
        request._load_post_and_files = _checked_loader(request)
        message = text_problem(request.path_info)
        if message:
            return refusal(request, 400, [{"field": None, "message": message}])
        try:
            check_querydict(request.GET)
            if not _reads_its_own_body(request):
                request.POST  # noqa: B018 — parse (and check) now; CSRF would read it later anyway
        except UnsafeInput as exc:
            return refusal(request, 422, exc.errors)
        except UNPARSABLE as exc:
            return refusal(request, *unparsable_errors(exc))
        return self.get_response(request)

    def process_exception(self, request, exception):
        # A post checked lazily, in a view that does not answer the refusal itself.
        if isinstance(exception, UnsafeInput):
            return refusal(request, 422, exception.errors)
        if isinstance(exception, UNPARSABLE):
            return refusal(request, *unparsable_errors(exception))
        return None
