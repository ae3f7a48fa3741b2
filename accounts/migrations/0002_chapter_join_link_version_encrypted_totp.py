from django.db import migrations, models

# The fields allauth keeps a secret in, per authenticator type.
SECRET_FIELDS = {"totp": "secret", "recovery_codes": "seed"}


def encrypt_stored_secrets(apps, schema_editor):
    """Encrypt TOTP secrets and recovery-code seeds written before they were stored encrypted."""
    from accounts.adapters import MFAAdapter

    adapter = MFAAdapter()
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=SECRET_FIELDS).iterator():
        field = SECRET_FIELDS[authenticator.type]
        value = (authenticator.data or {}).get(field)
        if isinstance(value, str) and not value.startswith(MFAAdapter.PREFIX):
            authenticator.data[field] = adapter.encrypt(value)
            authenticator.save(update_fields=["data"])


def decrypt_stored_secrets(apps, schema_editor):
    from accounts.adapters import MFAAdapter

    adapter = MFAAdapter()
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=SECRET_FIELDS).iterator():
        field = SECRET_FIELDS[authenticator.type]
        value = (authenticator.data or {}).get(field)
        if isinstance(value, str) and value.startswith(MFAAdapter.PREFIX):
            authenticator.data[field] = adapter.decrypt(value)
            authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [
        migrations.AddField(
            model_name="chapter",
            name="join_link_version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.RunPython(encrypt_stored_secrets, decrypt_stored_secrets),
    ]
