app_name = "applications"
urlpatterns = []
