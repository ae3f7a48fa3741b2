import pytest

from officials.models import (
    ContactPoint,
    ContactPointChange,
    Division,
    Office,
    Person,
    Term,
    WrongNumberReport,
    ZipDivision,
)
from officials.services import officials_import_all
from tests.conftest import SHARED_DATA


def wipe_officials():
    """Remove every officials row committed outside a test transaction (module-scoped imports)."""
    ContactPointChange.objects.all().delete()
    WrongNumberReport.objects.all().delete()
    ContactPoint.objects.all().delete()
    Term.objects.all().delete()
    ZipDivision.objects.all().delete()
    Office.objects.all().delete()
    Person.objects.all().delete()
    Division.objects.update(parent=None)
    Division.objects.all().delete()


@pytest.fixture(scope="module")
def real_officials(django_db_setup, django_db_blocker):
    """The full public data imported once for the module (about 10 s on SQLite), removed afterwards.

    Tests using it must not write officials rows outside their own transaction (`db`).
    """
    if not SHARED_DATA.exists():
        pytest.skip(f"the public data is not at {SHARED_DATA}")
    with django_db_blocker.unblock():
        wipe_officials()
        results = officials_import_all(data_dir=SHARED_DATA)
        try:
            yield {r.name: r for r in results}
        finally:
            wipe_officials()
