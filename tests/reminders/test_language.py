"""Reminder emails go out in each volunteer's language (the profile's; English when it is empty)."""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from reminders.services import reminders_send_new_campaigns, reminders_send_weekly_digest
from tests.factories.campaigns import ActionFactory, CampaignFactory

NEW = User.ReminderFrequency.NEW_CAMPAIGNS
WEEKLY = User.ReminderFrequency.WEEKLY


def _bilingual_campaign(**fields):
    campaign = CampaignFactory(
        title="Stop the cuts", title_es="Paren los recortes", summary="Call today.", summary_es="Llama hoy.", **fields
    )
    ActionFactory(campaign=campaign, title="Call your AG", title_es="Llama a tu fiscal general")
    return campaign


def test_a_new_campaign_email_is_in_spanish_for_a_spanish_reader_and_english_for_the_others(
    smtp_server, make_volunteer
):
    ana = make_volunteer("ana@example.org", frequency=NEW, name="Ana", language="es")
    bob = make_volunteer("bob@example.org", frequency=NEW, name="Bob")
    _bilingual_campaign()

    reminders_send_new_campaigns()

    spanish = smtp_server.to(ana.email)[0]
    assert spanish.subject.strip() == "[Call Your Officials] Campaña nueva: Paren los recortes"
    assert "Hola, Ana:" in spanish.text
    assert "Empezó una campaña nueva:" in spanish.text
    assert "Llama a tu fiscal general" in spanish.text
    assert "Darse de baja de todos los recordatorios" in spanish.html
    assert '<html lang="es">' in spanish.html
    english = smtp_server.to(bob.email)[0]
    assert english.subject == "[Call Your Officials] New campaign: Stop the cuts"
    assert "Hi Bob," in english.text
    assert "Call your AG" in english.text
    assert "Paren" not in english.text


def test_the_weekly_digest_is_in_each_volunteers_language_with_spanish_plurals(smtp_server, make_volunteer):
    ana = make_volunteer("ana@example.org", frequency=WEEKLY, name="Ana", language="es")
    bob = make_volunteer("bob@example.org", frequency=WEEKLY, name="Bob")
    _bilingual_campaign()
    # A campaign with no Spanish: the Spanish digest lists its English title.
    CampaignFactory(title="English only", published_at=timezone.now() - dt.timedelta(days=1))

    reminders_send_weekly_digest(now=timezone.now())

    spanish = smtp_server.to(ana.email)[0]
    assert spanish.subject.strip() == "[Call Your Officials] 2 campañas esperan tu llamada esta semana"
    assert "Paren los recortes" in spanish.text
    assert "English only" in spanish.text
    assert "2 campañas esperan tu llamada" in spanish.text
    assert "La semana pasada no hiciste llamadas." in spanish.text
    english = smtp_server.to(bob.email)[0]
    assert english.subject == "[Call Your Officials] 2 campaigns waiting for your call this week"
    assert "Stop the cuts" in english.text
