from tests.browser.conftest import login

__all__ = ["login"]
