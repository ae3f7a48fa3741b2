from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from .models import Campaign


def campaign_list(request):
    return HttpResponse("Campaigns")  # placeholder until the campaigns pages land


def campaign_detail(request, slug):
    return HttpResponse(get_object_or_404(Campaign, slug=slug).title)
