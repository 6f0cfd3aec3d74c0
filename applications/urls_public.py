# Public URLs of the applications app (the /verify/<digest> page); included at the site root.
from django.urls import path

from applications import views_verify

app_name = "verification"
urlpatterns = [
    path("verify/", views_verify.verify_index, name="verify_index"),
    path("verify/<str:digest>", views_verify.verify, name="verify"),
]
