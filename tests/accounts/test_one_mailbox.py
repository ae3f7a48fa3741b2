"""One mailbox, one account: case and `+tags` cannot make second accounts, at signup or on an email change."""

import importlib
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.emails import email_key
from accounts.models import User
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-unusual-passphrase-42"


def _signup(client, email):
    client.logout()
    return client.post(reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD})


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("attacker+0@example.org", "attacker@example.org"),
        ("Attacker+Tag+More@Example.ORG", "attacker@example.org"),
        ("attacker@example.org", "attacker@example.org"),
        ("+only@example.org", "+only@example.org"),
    ],
)
def test_the_mailbox_key(address, key):
    assert email_key(address) == key


def test_plus_tags_and_case_cannot_make_separate_accounts(client, smtp_server):
    first = _signup(client, "attacker+0@example.org")
    assert first.status_code == HTTPStatus.FOUND
    for address in ("attacker+1@example.org", "attacker+2@example.org", "ATTACKER@example.org"):
        again = _signup(client, address)
        # The same answer as a new signup: nothing tells the person at the keyboard.
        assert (again.status_code, again["Location"]) == (first.status_code, first["Location"])
    assert User.objects.count() == 1
    assert User.objects.get().email == "attacker+0@example.org"
    assert smtp_server.to("attacker+1@example.org") == []
    # The owner of the mailbox hears of each attempt, at the address the account has.
    assert len(smtp_server.to("attacker+0@example.org")) == 4


def test_a_plus_tag_of_an_existing_account_is_no_new_account(client, smtp_server):
    UserFactory(email="someone@example.org")
    _signup(client, "someone+calls@example.org")
    assert User.objects.count() == 1


def test_an_email_change_cannot_take_another_accounts_mailbox(client, smtp_server):
    UserFactory(email="victim@example.org")
    attacker = UserFactory(email="attacker@example.org")
    client.force_login(attacker)
    client.post(reverse("account_email"), {"action_add": "", "email": "Victim+x@example.org"})
    assert not EmailAddress.objects.filter(email__icontains="victim+x").exists()
    assert smtp_server.to("victim+x@example.org") == []
    attacker.refresh_from_db()
    assert attacker.email == "attacker@example.org"
    assert not EmailAddress.objects.filter(user=attacker, email="victim@example.org", verified=True).exists()


def test_adding_a_plus_tag_of_your_own_address_is_refused_as_your_own(client, smtp_server):
    user = UserFactory(email="me@example.org")
    client.force_login(user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "me+work@example.org"})
    assert response.status_code == HTTPStatus.OK
    assert "already associated with this account" in response.content.decode()
    assert EmailAddress.objects.filter(user=user).count() == 1


def test_the_database_refuses_a_second_account_for_a_mailbox():
    UserFactory(email="one@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="One+2@example.org", password=PASSWORD)


def test_staff_get_a_form_error_not_a_crash(staff_client):
    UserFactory(email="taken@example.org")
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        {"email": "taken+1@example.org", "password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == HTTPStatus.OK
    assert "Another account already uses this mailbox" in response.content.decode()


def test_existing_accounts_that_share_a_mailbox_keep_working_with_a_key_of_their_own():
    older = UserFactory(email="shared@example.org")
    newer = UserFactory(email="other@example.org")
    User.objects.filter(pk=newer.pk).update(email="Shared+1@example.org", email_key=None)
    User.objects.filter(pk=older.pk).update(email_key=None)
    migration = importlib.import_module("accounts.migrations.0006_email_key_backfill_location_history")
    migration.forwards(apps, None)
    assert User.objects.get(pk=older.pk).email_key == "shared@example.org"
    assert User.objects.get(pk=newer.pk).email_key == f"~{newer.pk}~shared@example.org"
    newer = User.objects.get(pk=newer.pk)
    newer.name = "Still works"
    newer.save()
    newer.email = "fresh@example.org"
    newer.save()
    assert User.objects.get(pk=newer.pk).email_key == "fresh@example.org"
