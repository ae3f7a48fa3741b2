from django.urls import path

from . import views

urlpatterns = [
    path(
        "chapters/<slug:slug>/invitations/",
        views.InvitationListCreateView.as_view(),
        name="chapter-invitation-list",
    ),
    path(
        "chapters/<slug:slug>/invitations/limits/",
        views.InvitationLimitsView.as_view(),
        name="chapter-invitation-limits",
    ),
    path(
        "chapters/<slug:slug>/invitations/<int:id>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="chapter-invitation-revoke",
    ),
]
