"""Reading a CSV: every problem with its row and column; hostile files get clear errors."""

import pytest

from targetlists.rows import parse_csv, parse_json_rows

from .conftest import HEADER, ROWS, csv_bytes


def messages(parsed):
    return [str(p) for p in parsed.problems]


def test_a_good_file_is_normalised():
    parsed = parse_csv(csv_bytes(*ROWS))
    assert parsed.ok, messages(parsed)
    first, second, third, president = parsed.rows
    assert first.phone == "+13145550101"
    assert second.phone == "+13145550102"
    assert third.phone == "+13145550103"
    assert first.zips == ["63101", "63102", "63103"]
    assert president.zips == []
    assert first.title_es == "Concejal"
    assert first.district_es == "Distrito 1"
    assert first.key == "id:w1"


def test_bom_and_semicolons_are_accepted():
    data = b"\xef\xbb\xbf" + csv_bytes(*[r.replace(",", ";") for r in ROWS], header=HEADER.replace(",", ";"))
    parsed = parse_csv(data)
    assert parsed.ok, messages(parsed)
    assert parsed.rows[0].name == "Alex Sample"


def test_each_bad_cell_is_reported_with_row_and_column():
    parsed = parse_csv(
        csv_bytes(
            "Alex Sample,Alderperson,,555-01,,Ward 1,,63101,not-an-email,w1",
            ",Alderperson,,,,Ward 2,,99999 6310,,w2",
        )
    )
    assert not parsed.ok
    found = {(p.row, p.column) for p in parsed.problems}
    assert found == {(2, "phone"), (2, "email"), (3, "name"), (3, "zips")}
    assert "Row 2, column phone: 555-01 is not a valid U.S. phone number." in messages(parsed)
    assert any("99999 is not a U.S. ZIP code" in m for m in messages(parsed))
    assert any("6310 is not a U.S. ZIP code" in m for m in messages(parsed))
    assert parsed.rows[0].bad_columns == ["phone", "email"]


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://evil")', "@SUM(A1)", "-2+3", "+cmd|' /C calc'!A0"])
def test_formula_cells_are_refused(cell):
    parsed = parse_csv(csv_bytes(f'"{cell.replace(chr(34), chr(34) * 2)}",Alderperson,,,,,,,,w1'))
    assert not parsed.ok
    assert parsed.problems[0].column == "name"
    assert "spreadsheet formula" in parsed.problems[0].message


def test_a_formula_in_the_phone_column_is_refused_but_a_plus_number_is_not():
    parsed = parse_csv(csv_bytes("A B,T,,=1+2025550100,,,,,,w1", "C D,T,,+1 314 555 0100,,,,,,w2"))
    assert [(p.row, p.column) for p in parsed.problems] == [(2, "phone")]


def test_a_windows_1252_file_is_refused_with_how_to_fix_it():
    parsed = parse_csv(csv_bytes("José Núñez,Alderperson,,,,,,,,w1", encoding="cp1252"))
    assert not parsed.ok
    assert not parsed.rows
    assert "not UTF-8" in messages(parsed)[0]
    assert "CSV UTF-8" in messages(parsed)[0]


def test_a_utf16_file_is_refused():
    parsed = parse_csv(csv_bytes(*ROWS, encoding="utf-16"))
    assert "UTF-16" in messages(parsed)[0]


def test_nul_bytes_are_refused():
    parsed = parse_csv(csv_bytes(*ROWS) + b"\x00\x00")
    assert "NUL" in messages(parsed)[0]


def test_ten_thousand_rows_are_refused_without_reading_them(settings):
    settings.TARGET_LIST_MAX_BYTES = 10 * 1024 * 1024  # past the size limit, the row limit speaks
    rows = [f"Person {i},Alderperson,,,,,,,,id-{i}" for i in range(10_000)]
    parsed = parse_csv(csv_bytes(*rows))
    assert not parsed.ok
    assert not parsed.rows
    assert messages(parsed) == ["The file has more than 2,000 rows; a list may have at most 2,000."]


def test_a_file_over_one_megabyte_is_refused():
    parsed = parse_csv(b"name,title\n" + b"a,b\n" * 300_000)
    assert messages(parsed)[0].startswith("The file is 1,171 KB; the limit is 1,024 KB.")


def test_a_huge_cell_is_refused():
    parsed = parse_csv(csv_bytes("A" * 5000 + ",Alderperson,,,,,,,,w1"))
    assert [(p.row, p.column) for p in parsed.problems] == [(2, "name")]
    assert "5,000 characters; the limit is 200." in messages(parsed)[0]


def test_a_cell_past_the_csv_field_limit_is_a_clear_error():
    parsed = parse_csv(b'name,title\n"' + b"x" * 200_000 + b'",T\n')
    assert not parsed.ok
    assert "cannot be read" in messages(parsed)[0]


def test_a_row_with_more_cells_than_the_header_is_refused():
    parsed = parse_csv(csv_bytes("A B,T,,,,,,,,w1,extra,cells"))
    assert messages(parsed) == ["Row 2: It has 12 cells; the header has 10 columns."]


def test_duplicate_external_ids_are_refused():
    parsed = parse_csv(csv_bytes("A B,T,,,,,,,,w1", "C D,T,,,,,,,,w1"))
    assert messages(parsed) == ["Row 3, column external_id: w1 is also the external_id of row 2."]


def test_duplicate_names_and_titles_without_ids_are_refused():
    parsed = parse_csv(csv_bytes("A B,T,,,,,,,,", "a b,t,,,,,,,,"))
    assert [(p.row, p.column) for p in parsed.problems] == [(3, "name")]


def test_header_problems():
    parsed = parse_csv(b"name,phone_lable,name\nA,B,C\n")
    found = messages(parsed)
    assert any("Unknown columns: phone_lable" in m for m in found)
    assert any("Repeated columns: name" in m for m in found)
    assert any("Missing required columns: title" in m for m in found)


def test_empty_files():
    assert messages(parse_csv(b"")) == ["The file is empty."]
    assert messages(parse_csv(b"name,title\n")) == ["The list has no rows."]


def test_json_rows_count_from_zero():
    parsed = parse_json_rows([{"name": "A B", "title": "T"}, {"name": "C D", "title": "T", "phone": "12"}])
    assert [(p.row, p.column) for p in parsed.problems] == [(1, "phone")]
