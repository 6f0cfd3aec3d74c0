from django.urls import path

from reviews import views, views_batches, views_queue

app_name = "reviews"

urlpatterns = [
    path("", views_queue.review_queue, name="queue"),
    path("outreach/", views_queue.review_outreach, name="outreach"),
    path("outreach/remind/", views_queue.review_outreach_remind, name="outreach_remind"),
    path("city/", views_queue.city_dashboard, name="city_dashboard"),
    path("applications/<int:pk>/", views.review_detail, name="detail"),
    path("applications/<int:pk>/opinion/", views.review_opinion, name="opinion"),
    path("applications/<int:pk>/city-check/", views.review_city_check, name="city_check"),
    path("batches/", views_batches.batch_list, name="batch_list"),
    path("batches/new/", views_batches.batch_new, name="batch_new"),
    path("batches/<int:pk>/", views_batches.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/seal/", views_batches.batch_seal, name="batch_seal"),
    path("batches/<int:pk>/forward/", views_batches.batch_forward, name="batch_forward"),
    path("batches/<int:pk>/<str:name>", views_batches.batch_document, name="batch_document"),
]
