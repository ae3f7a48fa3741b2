from django.http import HttpResponse


def profile(request):
    return HttpResponse("Profile")  # placeholder until the accounts pages land


def chapter_list(request):
    return HttpResponse("Chapters")
