from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults as default_views
from django.views.decorators.cache import never_cache


def home(request):
    from campaigns.selectors import campaign_list_for_home

    return render(request, "home.html", {"campaigns": campaign_list_for_home(user=request.user)})


@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception=None):
    """API clients get the API's JSON error shape for unknown URLs; people get the HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "not_found", "message": "No API endpoint at this URL."}}, status=404)
    return default_views.page_not_found(request, exception)
