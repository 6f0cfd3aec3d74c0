# Public URLs of the seals app (the /seals/verify/ page); included at the site root.
from django.urls import path

from reviews.seals import views

app_name = "seals"
urlpatterns = [path("seals/verify/", views.verify_page, name="verify")]
