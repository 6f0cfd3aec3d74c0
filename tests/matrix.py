"""What permission matrices share: the outcomes and how a service call is classified (in a savepoint that is
rolled back, so every row of a matrix starts from the same state)."""

from django.db import transaction
from django.http import Http404

from core.errors import Conflict, PermissionDeniedError

OK, HIDDEN, DENIED, STATE, LOGIN = "ok", "hidden", "denied", "state", "login"


def service_outcome(attempt) -> str:
    with transaction.atomic():
        try:
            attempt()
        except Http404:
            return HIDDEN
        except PermissionDeniedError:
            return DENIED
        except Conflict:
            return STATE
        finally:
            transaction.set_rollback(True)
    return OK
