from applications.urls_materials import urlpatterns as materials_urlpatterns

app_name = "applications"
urlpatterns = [] + materials_urlpatterns
