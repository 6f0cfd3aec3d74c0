from django.urls import path

from reviews import views, views_queue

app_name = "reviews"

urlpatterns = [
    path("", views_queue.review_queue, name="queue"),
    path("outreach/", views_queue.review_outreach, name="outreach"),
    path("outreach/remind/", views_queue.review_outreach_remind, name="outreach_remind"),
    path("city/", views_queue.city_dashboard, name="city_dashboard"),
    path("applications/<int:pk>/", views.review_detail, name="detail"),
]
