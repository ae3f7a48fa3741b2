from django.urls import path

from . import views

app_name = "targetlists"
urlpatterns = [
    path("chapters/<slug:slug>/target-lists/", views.target_list_index, name="index"),
    path("chapters/<slug:slug>/target-lists/new/", views.target_list_new, name="new"),
    path("chapters/<slug:slug>/target-lists/<int:list_id>/", views.target_list_detail, name="detail"),
    path("chapters/<slug:slug>/target-lists/<int:list_id>/import/", views.target_list_reimport, name="reimport"),
    path("chapters/<slug:slug>/target-lists/<int:list_id>/rename/", views.target_list_rename, name="rename"),
    path("chapters/<slug:slug>/target-lists/<int:list_id>/delete/", views.target_list_delete, name="delete"),
    path("target-lists/<int:list_id>/choose/", views.target_list_choose, name="choose"),
    path("target-lists/template/", views.target_list_template, name="template"),
]
