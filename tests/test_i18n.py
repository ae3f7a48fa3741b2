"""The Spanish catalog: complete for volunteers, never fuzzy, in step with the marked strings, compiled by Babel."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from advocacy.catalogs import LOCALE_DIR, compile_catalogs, compiled_catalog

ROOT = Path(__file__).resolve().parent.parent
SPANISH = LOCALE_DIR / "es" / "LC_MESSAGES" / "django.po"

# Pages and code only chapter leads and staff see: marked for translation, a Spanish version welcome
# but not required. Everything else a volunteer (or a visitor) can meet, and must be in Spanish.
LEAD_AND_STAFF_SOURCES = (
    "templates/admin/",
    "templates/tallies/dashboard.html",
    "templates/tallies/includes/_notes.html",
    "templates/campaigns/campaign_manage.html",
    "templates/campaigns/campaign_form.html",
    "templates/campaigns/action_form.html",
    "templates/campaigns/campaign_preview.html",
    "templates/campaigns/includes/_form_fields.html",
    "templates/campaigns/includes/_placeholder_help.html",
    "templates/accounts/chapter_members.html",
    "templates/accounts/includes/_member_table.html",
    "templates/rally/rally.html",
    "templates/rally/invitations.html",
    "templates/rally/includes/_call_now_progress.html",
    "templates/rally/includes/_call_now_results.html",
    "templates/rally/includes/_campaign_rally.html",
    "templates/rally/includes/_dashboard_call_days.html",
    "campaigns/forms.py",
    "campaigns/selectors.py",
)


def _catalog():
    with SPANISH.open("rb") as po_file:
        return read_po(po_file)


def _is_for_volunteers(message) -> bool:
    return any(not path.startswith(LEAD_AND_STAFF_SOURCES) for path, _line in message.locations)


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def test_no_entry_of_the_spanish_catalog_is_fuzzy():
    fuzzy = [message.id for message in _catalog() if message.id and message.fuzzy]
    assert not fuzzy, f"fuzzy entries (a guess is never shown; translate and remove the flag): {fuzzy}"


def test_every_string_a_volunteer_can_see_is_translated_into_spanish():
    catalog = _catalog()
    untranslated = [m.id for m in catalog if m.id and _is_for_volunteers(m) and not _translated(m)]
    assert not untranslated, f"untranslated volunteer-facing entries: {untranslated}"
    # The check reads the references: a catalog without them would pass anything.
    assert sum(1 for m in catalog if m.id and _is_for_volunteers(m)) > 200


def test_the_catalog_has_every_marked_string_and_no_stale_one(tmp_path):
    """`make messages` run now would find exactly the catalog's entries (needs GNU gettext's xgettext)."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must check the catalog against the sources: install gettext")
        pytest.skip("needs GNU gettext (xgettext) to extract the marked strings")
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "var", "test-artifacts", "tests", "bench", "*.mo", "__pycache__"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--no-obsolete", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "advocacy.settings.test", "PYTHONPATH": str(copy)},
    )
    with (copy / "locale" / "es" / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        fresh = {(m.id, m.context) for m in read_po(po_file) if m.id}
    committed = {(m.id, m.context) for m in _catalog() if m.id}
    assert not fresh - committed, f"marked but not in the catalog (run `make messages`): {fresh - committed}"
    assert not committed - fresh, f"in the catalog but no longer marked (run `make messages`): {committed - fresh}"


def test_the_catalog_compiles_with_babel_alone_and_the_build_keeps_it_current(tmp_path):
    (tmp_path / "es" / "LC_MESSAGES").mkdir(parents=True)
    po_copy = tmp_path / "es" / "LC_MESSAGES" / "django.po"
    shutil.copy(SPANISH, po_copy)
    assert compile_catalogs(tmp_path) == [po_copy.with_suffix(".mo")]
    assert compile_catalogs(tmp_path) == []  # unchanged sources: nothing rewritten
    assert po_copy.with_suffix(".mo").read_bytes() == compiled_catalog(SPANISH)
    # The catalog the site reads is the one the sources give (conftest compiles it, as `make install` does).
    assert (SPANISH.with_suffix(".mo")).read_bytes() == compiled_catalog(SPANISH)


USTED = re.compile(
    r"\b(usted|su|sus|suyo|suya|confirme|haga|introduzca|inicie|ingrese|compruebe|póngase|intente|puede|desea|"
    r"olvidó|solicite|contáctenos|seleccione|verifique|escriba|elija|regístrese|le|ha olvidado)\b",
    re.IGNORECASE,
)


def test_allauths_pages_speak_to_volunteers_with_tu():
    """Our entries for allauth's messages win over allauth's own Spanish, which mixes usted and tú."""
    import allauth
    from allauth.account import app_settings  # noqa: F401  (allauth is installed: its catalog is read below)

    from accounts.allauth_messages import ALLAUTH_MESSAGES

    ours = {m.id: m.string for m in _catalog() if m.id in ALLAUTH_MESSAGES}
    assert set(ours) == set(ALLAUTH_MESSAGES)
    with (Path(allauth.__file__).parent / "locale" / "es" / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        theirs = {m.id for m in read_po(po_file) if m.id}
    assert set(ALLAUTH_MESSAGES) <= theirs, "an id that allauth does not use overrides nothing"
    usted = {msgid: text for msgid, text in ours.items() if USTED.search(text)}
    assert not usted, usted
    # And what volunteers meet on the way in really is ours.
    from django.utils import translation

    with translation.override("es"):
        assert translation.gettext("Forgot your password?") == "¿Olvidaste tu contraseña?"
        assert translation.gettext("Please Confirm Your Email Address") == "Confirma tu dirección de correo electrónico"
