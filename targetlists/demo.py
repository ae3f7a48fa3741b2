"""The demo's target list: a made-up St. Louis Board of Aldermen with 555 numbers, marked as sample data."""

from .models import TargetList
from .rows import clean_rows
from .services import target_list_import

DEMO_LIST_NAME = "St. Louis Board of Aldermen (sample data)"
_LABEL = "Sample 555 number: not a real office"
# Made-up people and 555 numbers. 63104 is in two wards, so the demo shows the chooser.
DEMO_ROWS = [
    ("Pat Placeholder", "President of the Board of Aldermen", "Presidente de la Junta de Concejales", "", "", "", "ward-0"),
    ("Alex Sample", "Alderperson", "Concejal", "Ward 1", "Distrito 1", "63101 63102 63103", "ward-1"),
    ("Jordan Example", "Alderperson", "Concejal", "Ward 2", "Distrito 2", "63104 63118", "ward-2"),
    ("Casey Demo", "Alderperson", "Concejal", "Ward 3", "Distrito 3", "63104 63110 63139", "ward-3"),
    ("Morgan Testcase", "Alderperson", "Concejal", "Ward 4", "Distrito 4", "63106 63107 63147", "ward-4"),
    ("Riley Mockton", "Alderperson", "Concejal", "Ward 5", "Distrito 5", "63108 63112 63113", "ward-5"),
    ("Taylor Fakename", "Alderperson", "Concejal", "Ward 6", "Distrito 6", "63109 63111 63116", "ward-6"),
]  # fmt: skip


def demo_rows() -> list[dict]:
    return [
        {
            "name": name,
            "title": title,
            "title_es": title_es,
            "district": district,
            "district_es": district_es,
            "zips": zips,
            "phone": f"314-555-01{index:02d}",
            "phone_label": _LABEL,
            "party": "",
            "external_id": external_id,
        }
        for index, (name, title, title_es, district, district_es, zips, external_id) in enumerate(DEMO_ROWS)
    ]


def target_list_demo_create(*, chapter) -> TargetList:
    """The sample list for the demo chapter; running it again changes nothing."""
    found = TargetList.objects.filter(chapter=chapter, name=DEMO_LIST_NAME).first()
    if found is not None:
        return found
    parsed = clean_rows([(index + 2, row) for index, row in enumerate(demo_rows())])
    return target_list_import(chapter=chapter, parsed=parsed, name=DEMO_LIST_NAME, is_sample=True).target_list
