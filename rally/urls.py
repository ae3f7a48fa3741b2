from django.urls import path

from . import views

app_name = "rally"
urlpatterns = [
    path("chapters/<slug:slug>/rally/<slug:campaign_slug>/", views.rally, name="rally"),
    path("chapters/<slug:slug>/rally/<slug:campaign_slug>/call-days/", views.call_day_create, name="call_day_create"),
    path("chapters/<slug:slug>/rally/<slug:campaign_slug>/call-now/", views.call_now, name="call_now"),
    path("chapters/<slug:slug>/invitations/", views.invitations, name="invitations"),
    path(
        "chapters/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("rally/call-now/<int:message_id>/progress/", views.call_now_progress, name="call_now_progress"),
    path("rally/call-days/<int:call_day_id>/calls-today/", views.calls_today, name="calls_today"),
    path("rally/call-now/unsubscribe/<str:token>/", views.call_now_unsubscribe, name="call_now_unsubscribe"),
    path("invitations/stop/<str:token>/", views.invitation_stop, name="invitation_stop"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
