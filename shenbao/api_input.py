"""The API's input guard: the JSON parser of the one NinjaAPI and the answers to bodies Django cannot parse.

``SafeParser`` reads every JSON body with ``core.jsonsafe.loads`` (no NaN/Infinity, no number overflowing to
infinity, no NUL or lone surrogate in any string or key, at most ``MAX_DEPTH`` levels): a refusal is 422 with
the JSON path as ``field`` before any handler runs; a body that is not JSON is 400 with the message in Chinese.
Query and form parameters are checked by ``core.hostile.HostileInputMiddleware`` before the API is reached.

``INPUT_HANDLERS``: a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is 413 with the error body and the limit; a
multipart body Django refuses (a file name over its header limit, too many fields) is 400 — never a 500.
"""

from __future__ import annotations

from ninja.parser import Parser

from core.api_errors import errors_response
from core.hostile import UNPARSABLE, unparsable_errors
from core.jsonsafe import loads


class SafeParser(Parser):
    def parse_body(self, request):
        # Raises core.jsonsafe.InvalidJSON / UnsafeInput (DomainErrors); ninja wraps them in HttpError(400),
        # whose handler in shenbao.api answers the DomainError it was raised from.
        return loads(request.body)


def on_unparsable(request, exc):
    status, errors = unparsable_errors(exc)
    return errors_response(errors, status=status)


INPUT_HANDLERS = dict.fromkeys(UNPARSABLE, on_unparsable)
