from django.urls import path

from . import views

urlpatterns = [
    path("language/", views.language_set, name="language_set"),
    path("profile/", views.profile, name="profile"),
    path("profile/delete/", views.profile_delete, name="profile_delete"),
    path("profile/export/", views.profile_export, name="profile_export"),
    path("profile/tokens/", views.api_tokens, name="api_tokens"),
    path("profile/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("chapters/", views.chapter_list, name="chapter_list"),
    # Before <slug>/ so a join link is never taken for a chapter page.
    path("chapters/join/<str:token>/", views.chapter_join, name="chapter_join"),
    path("chapters/<slug:slug>/", views.chapter_detail, name="chapter_detail"),
    path("chapters/<slug:slug>/members/", views.chapter_members, name="chapter_members"),
    path("chapters/<slug:slug>/join-link/rotate/", views.chapter_join_link_rotate, name="chapter_join_link_rotate"),
]
