from django.urls import path

from . import views

app_name = "officials"
urlpatterns = [
    path("", views.lookup, name="lookup"),
]
