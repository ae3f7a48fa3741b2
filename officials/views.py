from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods

from accounts.services import user_location_set

from .forms import WrongNumberReportForm, ZipLookupForm
from .models import ContactPoint
from .selectors import InvalidZipCode, officials_for_zip, officials_last_refreshed
from .services import wrong_number_report_create


def _lookup_url(zip_code: str, district: str = "") -> str:
    params = {"zip": zip_code}
    if district:
        params["district"] = district
    return f"{reverse('officials:lookup')}?{urlencode(params)}"


@require_http_methods(["GET", "POST"])
def lookup(request):
    """A caller's officials from ?zip= (and ?district= for a split ZIP); prefilled from a signed-in user's ZIP."""
    user = request.user
    if request.method == "POST":
        # Choosing a district for a split ZIP: saved on the account when signed in.
        zip_code = request.POST.get("zip", "")
        district = request.POST.get("district", "")
        if user.is_authenticated:
            try:
                user_location_set(user=user, zip_code=zip_code, district_ocd_id=district)
                messages.success(request, "Saved: we will use this district for your calls.")
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        return redirect(_lookup_url(zip_code, district))

    zip_code = request.GET.get("zip", "").strip()
    district = request.GET.get("district", "").strip()
    if not zip_code and "zip" not in request.GET and user.is_authenticated and user.zip_code:
        zip_code = user.zip_code
        district = user.district_ocd_id
    form = ZipLookupForm(initial={"zip": zip_code})
    lookup_result = None
    error = ""
    if zip_code:
        try:
            lookup_result = officials_for_zip(zip_code=zip_code, district_ocd_id=district)
        except InvalidZipCode as exc:
            error = exc.messages[0]
    elif "zip" in request.GET:
        error = "Enter your ZIP code."
    context = {
        "form": form,
        "zip_code": zip_code,
        "lookup": lookup_result,
        "error": error,
        "report_form": WrongNumberReportForm(),
        "here": request.get_full_path(),
        "data_last_refreshed": officials_last_refreshed(),
    }
    return render(request, "officials/lookup.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def contact_point_report(request, pk: int):
    contact_point = get_object_or_404(ContactPoint.objects.select_related("office"), pk=pk, is_active=True)
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("officials:lookup")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("officials:lookup")
    form = WrongNumberReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            wrong_number_report_create(
                contact_point=contact_point, reporter=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Thank you: staff will check this number.")
            return redirect(next_url)
    return render(
        request,
        "officials/contact_point_report.html",
        {"contact_point": contact_point, "form": form, "next": next_url},
        status=400 if form.errors else 200,
    )
