from django.http import HttpResponse


def impact(request):
    return HttpResponse("My impact")  # placeholder until the tallies pages land
