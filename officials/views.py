from django.http import HttpResponse


def lookup(request):
    return HttpResponse("Officials")  # placeholder until the officials pages land
