from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("officials", views.OfficialViewSet, basename="official")

urlpatterns = [
    *router.urls,
    path(
        "contact-points/<int:pk>/reports/",
        views.ContactPointReportCreateView.as_view(),
        name="contact-point-report-create",
    ),
]
