from django.conf import settings


def site(request):
    return {"PROGRAMME_NAME": "互联网+小微企业", "SHENBAO_ENV": settings.SHENBAO_ENV}
