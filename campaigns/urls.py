from django.urls import path

from . import reply_views, undo_views, views, visitor_views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    # Authoring pages for chapter leads; "manage" and "new" are reserved slugs.
    path("manage/", views.campaign_manage, name="manage"),
    path("manage/new/", views.campaign_create, name="create"),
    path("<slug:slug>/", views.campaign_detail, name="detail"),
    path("<slug:slug>/location/", views.location_set, name="location"),
    path("<slug:slug>/visitor/location/", visitor_views.visitor_location, name="visitor_location"),
    path("<slug:slug>/visitor/calls/", visitor_views.visitor_outcome, name="visitor_outcome"),
    path("<slug:slug>/calls/", views.call_log, name="call_log"),
    path("<slug:slug>/calls/<int:call_id>/undo/", undo_views.call_undo, name="call_undo"),
    path("<slug:slug>/replies/", reply_views.reply_create, name="reply_create"),
    path("<slug:slug>/replies/<int:reply_id>/hide/", reply_views.reply_hide, name="reply_hide"),
    path("<slug:slug>/edit/", views.campaign_edit, name="edit"),
    path("<slug:slug>/preview/", views.campaign_preview, name="preview"),
    path("<slug:slug>/publish/", views.campaign_publish, name="publish"),
    path("<slug:slug>/archive/", views.campaign_archive, name="archive"),
    path("<slug:slug>/actions/new/", views.action_create, name="action_create"),
    path("<slug:slug>/actions/<int:action_id>/edit/", views.action_edit, name="action_edit"),
    path("<slug:slug>/actions/<int:action_id>/delete/", views.action_delete, name="action_delete"),
]
