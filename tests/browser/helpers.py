"""Helpers for browser tests."""


def login(page, username, password):
    """Log in through the page and wait until the dashboard has loaded."""
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("networkidle")
