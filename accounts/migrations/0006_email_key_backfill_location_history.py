"""Existing accounts get their mailbox key, and a first history row for the ZIP they hold.

Two accounts that already share a mailbox (`ann@x` and `Ann+1@x`) both keep working: the oldest
one holds the key, every later one a key of its own ("~<id>~ann@x"), so the unique index holds and
staff can find them (Admin → Users, search "~"). New accounts and address changes can no longer
share a mailbox.
"""

from django.db import migrations
from django.utils import timezone


def email_key(address):
    # A copy of accounts.emails.email_key as of this migration: migrations never import live code.
    address = (address or "").strip().lower()
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    local = local.split("+", 1)[0] or local
    return f"{local}@{domain}"


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    LocationHistory = apps.get_model("accounts", "LocationHistory")
    seen = set()
    for user in User.objects.order_by("date_joined", "id").only("id", "email").iterator(chunk_size=2000):
        key = email_key(user.email)
        if key in seen:
            key = f"~{user.pk}~{key}"
        seen.add(key)
        User.objects.filter(pk=user.pk).update(email_key=key)
    now = timezone.now()
    rows = [
        LocationHistory(
            user_id=user_id, zip_code=zip_code, state=state, district_ocd_id=district, valid_from=now, is_move=False
        )
        for user_id, zip_code, state, district in User.objects.exclude(zip_code="")
        .values_list("id", "zip_code", "state", "district_ocd_id")
        .iterator(chunk_size=2000)
    ]
    LocationHistory.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_email_key_location_history_invitation_limit")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
