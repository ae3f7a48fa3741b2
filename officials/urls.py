from django.urls import path

from . import views

app_name = "officials"
urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("contact-points/<int:pk>/report/", views.contact_point_report, name="contact_point_report"),
]
