from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("applications/<int:pk>/", views.review_detail, name="detail"),
]
