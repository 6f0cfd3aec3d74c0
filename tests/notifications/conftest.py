import pytest

from accounts.models import Organisation
from notifications.services import register_state_check, unregister_state_check

# The notifications app stands below every model with a state, so its tests use a model it may name: an
# organisation, whose "state" is its name (what a registered check returns is just a string).
ORG_TYPE = "accounts.organisation"


@pytest.fixture
def organisation_state():
    """Registers a state check for organisations (the state is the name) for one test."""
    register_state_check(ORG_TYPE, lambda pk: Organisation.objects.filter(pk=pk).values_list("name", flat=True).first())
    yield
    unregister_state_check(ORG_TYPE)


@pytest.fixture
def people(cast):
    """The cast with email addresses and a mobile number, as the notifications need them."""
    for user, email in ((cast.enterprise_a, "a@example.cn"), (cast.enterprise_b, "b@example.cn")):
        user.email = email
        user.save(update_fields=["email"])
    cast.enterprise_a.mobile = "13812345678"
    cast.enterprise_a.save(update_fields=["mobile"])
    return cast
