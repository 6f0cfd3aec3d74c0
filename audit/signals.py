from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.services import audit_record


def _user_agent(request) -> str:
    # Printable characters only (a header may carry NUL, which PostgreSQL's JSON refuses), and bounded.
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    return "".join(ch for ch in agent[:1000] if ch.isprintable())[:300]


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    # The one record of a login (axes' access log is off): who, when, the address (audit_record) and the browser.
    audit_record(
        action="auth.login",
        actor=user,
        obj=user,
        summary=f"{user.username} 登录",
        data={"user_agent": _user_agent(request)},
        request=request,
    )


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="auth.logout", actor=user, obj=user, summary=f"{user.username} 退出", request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        action="auth.login_failed", summary=f"登录失败：{username}", data={"username": username}, request=request
    )
