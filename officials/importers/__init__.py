"""Importers for the public officials data (see ../shared/data/README.md).

Every importer reads a path or an http(s) URL, checks every row before it writes anything,
then writes in one transaction. Rows are upserted on their upstream ids (OCD division id,
bioguide id, Open States person id), so a second run with the same files changes nothing.
A malformed file raises ImportFileError naming the file, row, field and reason.

    python manage.py import_divisions ../shared/data/ocd-divisions/
    python manage.py import_congress ../shared/data/congress-legislators/
    python manage.py import_zip_districts ../shared/data/zip-districts/zccd.csv [--effective 2027-01-03]
    python manage.py import_state_executives ../shared/data/state-executives/state-executives.csv
    python manage.py import_openstates_executives ../shared/data/state-executives/openstates-executive/

`refresh_officials` (officials/refresh.py) runs them all. The modules:

    common.py         ImportResult, ImportFileError, what every importer does last
    sources.py        reading a path or URL: CSV, JSON or YAML lists, trees of files, tarballs
    ocd.py            OCD division ids and office titles
    writer.py         the shared writer: people, offices, terms (contact_writer.py: contact points)
    divisions.py      import_divisions
    congress.py       import_congress
    zip_districts.py  import_zip_districts
    executives.py     import_state_executives (the curated CSV; executive_contacts.py: the office's lines)
    openstates.py     import_openstates_executives (Open States person YAML)
"""

from .common import ImportFileError, ImportResult
from .congress import import_congress
from .divisions import import_divisions
from .executives import EXECUTIVE_ROLES, executive_role_name, import_state_executives
from .openstates import import_openstates_executives
from .zip_districts import ZipMove, import_zip_districts

__all__ = [
    "EXECUTIVE_ROLES",
    "ImportFileError",
    "ImportResult",
    "ZipMove",
    "executive_role_name",
    "import_congress",
    "import_divisions",
    "import_openstates_executives",
    "import_state_executives",
    "import_zip_districts",
]
