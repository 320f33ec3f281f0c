"""Reading uploads: identify.engine.reading (pure pandas/pyarrow, no database)."""

import csv
import datetime
import io
import json
import re
import tracemalloc
import zipfile

import openpyxl
import pandas as pd
import pytest

from identify.engine import IDENTIFIER_COLUMNS_DROPPED, ROW, ExtractError, read_extract
from identify.engine.reading import SHORT_ROWS_PADDED, column_letter, identifier_kind_for_name, is_valid_nhs_number

MB = 1024 * 1024
ROWS = [
    ["Ethnicity", "Town", "Spend", "Note"],
    ["Irish", "Café Royal", "£12", "‘smart’ “quotes”"],
    ["White - British", "Leeds", "£3", "plain"],
]


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def csv_text(rows, delimiter=","):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def xlsx_bytes(rows, *, sheets=None, tweak=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in rows:
        ws.append(row)
    if tweak:
        tweak(ws)
    for title in sheets or []:
        wb.create_sheet(title).append(["other"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read(data, name="extract.csv", **kwargs):
    kwargs.setdefault("max_bytes", 50 * MB)
    return read_extract(data, filename=name, **kwargs)


def refused(data, name="extract.csv", **kwargs) -> ExtractError:
    with pytest.raises(ExtractError) as info:
        read(data, name, **kwargs)
    return info.value


def nhs_number(stem: int) -> str:
    """A valid NHS number (correct modulus 11 check digit) from a 9-digit stem."""
    while True:
        digits = f"{stem:09d}"
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            return digits + str(check)
        stem += 1


# --------------------------------------------------------------------------- formats and encodings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_utf8_bom_and_windows_1252_read_identically(tmp_path, encoding):
    path = write(tmp_path, "extract.csv", csv_text(ROWS).encode(encoding))
    extract = read(path)
    expected = pd.DataFrame(ROWS[1:], columns=ROWS[0], index=pd.Index([2, 3], name=ROW), dtype="str")
    pd.testing.assert_frame_equal(extract.table, expected)
    assert extract.encoding == {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "cp1252": "windows-1252"}[encoding]
    assert extract.columns == ROWS[0]  # no byte-order mark left on the first name
    assert extract.table.loc[2, "Town"] == "Café Royal"
    assert extract.table.loc[2, "Note"] == "‘smart’ “quotes”"


def test_table_is_arrow_backed_strings(tmp_path):
    extract = read(csv_text([["Age", "Score"], ["7", "-1.5"]]).encode())
    for dtype in extract.table.dtypes:
        assert isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"
    assert extract.table.loc[2, "Score"] == "-1.5"  # numbers are not converted or mangled


def test_utf16_with_bom_tab_delimited(tmp_path):
    data = csv_text(ROWS, delimiter="\t").encode("utf-16")
    extract = read(data)
    assert extract.encoding == "utf-16"
    assert extract.delimiter == "\t"
    assert extract.table.loc[3, "Ethnicity"] == "White - British"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(delimiter):
    rows = [["Ethnic group", "Sex", "Count"], ["White, British", "Male", "1,234"], ["Irish", "Female", "7"]]
    extract = read(csv_text(rows, delimiter).encode())
    assert extract.delimiter == delimiter
    assert extract.columns == rows[0]
    assert extract.table.loc[2, "Ethnic group"] == "White, British"
    assert extract.table.loc[2, "Count"] == "1,234"


def test_quoted_fields_hold_delimiters_and_newlines_and_rows_count_records():
    data = b'Id,Comment,Team\n1,"said ""hello"", then\nleft",North\n2,plain,South\n'
    extract = read(data)
    assert extract.table.loc[2, "Comment"] == 'said "hello", then\nleft'
    # the quoted newline does not start a new spreadsheet row
    assert list(extract.table.index) == [2, 3]
    assert extract.table.loc[3, "Team"] == "South"


def test_quoted_header_with_newline():
    extract = read(b'"Ethnic\ngroup",Count\nA,3\n')
    assert extract.columns == ["Ethnic\ngroup", "Count"]
    assert extract.table.loc[2, "Count"] == "3"


def test_xlsx_first_sheet_reads_like_the_csv(tmp_path):
    data = xlsx_bytes(ROWS, sheets=["Notes"])
    path = write(tmp_path, "extract.xlsx", data)
    from_xlsx = read(path, "extract.xlsx")
    from_csv = read(csv_text(ROWS).encode("cp1252"))
    pd.testing.assert_frame_equal(from_xlsx.table, from_csv.table)
    assert from_xlsx.format == "xlsx" and from_xlsx.sheet == "Data"
    assert any("only the first sheet, 'Data'" in n["message"] for n in from_xlsx.notices)


def test_xlsx_cell_types_become_text():
    rows = [
        ["Age", "Score", "Date", "When", "Flag", "Id"],
        [17, -1.5, datetime.date(2024, 5, 14), datetime.datetime(2024, 5, 14, 9, 30), True, 1234567],
        [18.0, 0.1, datetime.datetime(2024, 5, 15), None, False, 1],
    ]
    table = read(xlsx_bytes(rows), "x.xlsx").table
    assert table.loc[2].tolist() == ["17", "-1.5", "2024-05-14", "2024-05-14 09:30:00", "TRUE", "1234567"]
    assert table.loc[3].tolist() == ["18", "0.1", "2024-05-15", "", "FALSE", "1"]


def test_format_is_sniffed_from_content_not_extension():
    assert read(xlsx_bytes(ROWS), "extract.csv").format == "xlsx"
    assert read(csv_text(ROWS).encode(), "extract.xlsx").format == "csv"


def test_path_and_bytes_give_the_same_extract(tmp_path):
    data = csv_text(ROWS).encode()
    a = read(write(tmp_path, "a.csv", data))
    b = read(data)
    pd.testing.assert_frame_equal(a.table, b.table)


def test_rows_above_the_header_shift_row_numbers():
    extract = read(b"\n\r\nEthnicity,Age\nA,30\n\nB,40\n")
    assert extract.header_row == 3
    assert list(extract.table.index) == [4, 6]
    assert extract.metadata()["first_data_row"] == 4


def test_metadata_is_json_serialisable_and_travels_with_the_table(tmp_path):
    extract = read(csv_text(ROWS).encode())
    meta = extract.metadata()
    assert json.loads(json.dumps(meta)) == meta
    assert meta["row_count"] == 2 and meta["delimiter"] == "," and meta["header_row"] == 1
    assert extract.table.attrs["extract"]["columns"] == ROWS[0]
    path = tmp_path / "t.parquet"
    extract.table.to_parquet(path)
    back = pd.read_parquet(path)
    assert list(back.index) == [2, 3] and back.attrs["extract"]["row_count"] == 2


# --------------------------------------------------------------------------- refused before parsing


def test_too_large_is_refused_by_size_before_anything_is_read(tmp_path):
    path = write(tmp_path, "big.csv", b"\x00\x01binary" * 200_000)  # would also be refused as binary
    error = refused(path, "big.csv", max_bytes=1 * MB)
    assert error.code == "too_large"
    assert "'big.csv' is 1.5 MB, which is larger than the 1.0 MB limit" in error.message
    assert "Split it into smaller files" in error.message


def test_empty_file_is_refused(tmp_path):
    error = refused(write(tmp_path, "empty.csv", b""), "empty.csv")
    assert error.code == "empty"
    assert "'empty.csv' is empty" in error.message and "upload it again" in error.message


def test_file_of_blank_lines_is_refused():
    error = refused(b"\r\n\r\n  \r\n", "blank.csv")
    assert error.code == "empty" and "no data" in error.message


@pytest.mark.parametrize(
    "data",
    [
        b"Ethnicity,Age\nA,3\x00\x00\x00\n",  # NUL bytes
        bytes(range(128, 256)) * 40,  # not UTF-8, and bytes Windows-1252 does not define
        b"%PDF-1.4\n\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12" * 50,  # control characters
    ],
)
def test_binary_file_named_csv_is_refused(data):
    error = refused(data, "extract.csv")
    assert error.code == "not_text"
    assert "We cannot read 'extract.csv' as a CSV file" in error.message
    assert "save it as 'CSV UTF-8 (Comma delimited)'" in error.message


def test_zip_that_is_not_a_workbook_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    error = refused(buf.getvalue(), "extract.csv")
    assert error.code == "not_spreadsheet"
    assert "is a zip file" in error.message and "save it as 'CSV UTF-8" in error.message


def test_damaged_zip_is_refused():
    error = refused(b"PK\x03\x04" + b"\x00garbage" * 100, "extract.xlsx")
    assert error.code == "not_spreadsheet" and "damaged" in error.message


def test_old_excel_or_password_protected_workbook_is_refused():
    error = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "extract.xls")
    assert error.code == "old_excel"
    assert "Excel Workbook (.xlsx)" in error.message


def test_header_only_is_refused():
    error = refused(b"Ethnicity,Age,LSOA2011\r\n", "extract.csv")
    assert error.code == "no_data"
    assert error.row == 1
    assert "column names in row 1 but no rows of data below them" in error.message
    assert "Check that the export included the data" in error.message


def test_header_then_only_empty_rows_is_refused():
    error = refused(b"Ethnicity,Age\n,\n\n,\n", "extract.csv")
    assert error.code == "no_data" and "we ignored 3 empty rows" in error.message


def test_header_only_workbook_is_refused():
    error = refused(xlsx_bytes([["Ethnicity", "Age"]]), "extract.xlsx")
    assert error.code == "no_data" and error.row == 1


# --------------------------------------------------------------------------- rows and fields


def test_ragged_rows_are_refused_naming_the_first_rows():
    data = b"Ethnicity,Age,Sex\nA,30,1\nB,40,2,extra\nC,50,1\nWhite, British,60,2\n"
    error = refused(data)
    assert error.code == "ragged_rows"
    assert error.row == 3
    assert error.message.startswith("Row 3 has 4 values but the column names in row 1 cover only 3 columns")
    assert "(2 rows like this: 3, 5)" in error.message
    assert "a value contains a comma but has no quote marks" in error.message
    assert "save the file again from Excel as 'CSV UTF-8'" in error.message


def test_ragged_rows_list_is_capped():
    data = "A,B\n" + "".join(f"{i},x,y\n" for i in range(10))
    error = refused(data.encode())
    assert "(10 rows like this: 2, 3, 4, 5, 6 and 5 more)" in error.message


def test_title_row_above_the_header_gets_a_hint():
    error = refused(b"Crisis referrals 2024\nEthnicity,Age\nA,30\n")
    assert error.code == "ragged_rows" and error.row == 2
    assert "delete any title rows above them" in error.message


def test_trailing_empty_values_are_not_ragged():
    extract = read(b"A,B\n1,2,,\n3,4\n")
    assert extract.table.to_dict("list") == {"A": ["1", "3"], "B": ["2", "4"]}


def test_short_rows_are_padded_and_reported():
    extract = read(b"A,B,C\n1,2,3\n4\n5,6\n")
    assert extract.table.loc[3].tolist() == ["4", "", ""]
    assert extract.table.loc[4].tolist() == ["5", "6", ""]
    notice = next(n for n in extract.notices if n["code"] == "short_rows_padded")
    assert notice["rows"] == [3, 4] and "treated as blank" in notice["message"]


def test_field_longer_than_limit_names_row_and_column():
    data = ("Ethnicity,Comment\nA,ok\nB," + "x" * 101 + "\n").encode()
    error = refused(data, max_field_chars=100)
    assert error.code == "field_too_long"
    assert (error.row, error.column) == (3, "B")
    assert "The value in row 3, column B ('Comment') is longer than 100 characters" in error.message
    assert "fix or remove the value, then upload the file again" in error.message


def test_unclosed_quote_that_runs_to_the_end_is_refused_with_its_row():
    data = ('Ethnicity,Comment\nA,ok\nB,"never closed\n' + "C,fine\n" * 5000).encode()
    error = refused(data, max_field_chars=1000)
    assert (error.code, error.row, error.column) == ("unclosed_quote", 3, "B")
    assert "row 3, column B ('Comment') starts with a quote mark" in error.message


def test_unclosed_quote_in_a_one_column_file_is_caught_as_an_over_long_field():
    data = ('Ethnicity\nA\n"never closed\n' + "C\n" * 5000).encode()
    error = refused(data, max_field_chars=1000)
    assert error.code == "field_too_long" and error.row == 3
    assert 'quote mark (") that is opened but never closed' in error.message


@pytest.mark.parametrize(
    ("data", "row", "column"),
    [
        # The quote is never closed: the rest of the file would become one value.
        (b'Ethnicity,Sex,Age\n"A,1,20\nB,2,30\nC,1,40\n', 2, "A"),
        # A stray quote closed by another one rows later: rows 3 and 4 would vanish into row 2's Sex.
        (b'Ethnicity,Sex,Age\nA,"1,20\nB,2,30\nC,1",40\nD,2,50\n', 2, "B"),
        (b'Ethnicity;Sex;Age\nA;1;20\nB;"2;30\nC;1";40\nD;2;50\n', 3, "B"),
    ],
)
def test_unclosed_quote_that_would_merge_rows_is_refused(data, row, column):
    error = refused(data)
    assert (error.code, error.row, error.column) == ("unclosed_quote", row, column)
    assert "Delete the stray quote mark" in error.message


def test_unclosed_quote_is_found_by_the_fast_reader_too(monkeypatch):
    def no_slow_reader(*args, **kwargs):
        raise AssertionError("the exact reader was not needed")

    monkeypatch.setattr("identify.engine.reading._parse_csv_python", no_slow_reader)
    error = refused(b'Ethnicity,Sex,Age\nA,"1,20\nB,2,30\nC,1",40\nD,2,50\n')
    assert (error.code, error.row, error.column) == ("unclosed_quote", 2, "B")


def test_a_value_with_line_breaks_that_is_not_whole_rows_is_kept():
    extract = read(b'Ethnicity,Sex,Note\nA,1,"first line\nsecond line, with a comma"\nB,2,plain\n')
    assert list(extract.table["Note"]) == ["first line\nsecond line, with a comma", "plain"]


@pytest.mark.parametrize("data", [b",,,\nA,1,2,3\nB,4,5,6\n", b";;\n\nWhite;Male;30\nBlack;Female;40\n"])
def test_a_header_row_of_only_delimiters_is_refused(data):
    """Otherwise the first row of data would silently become the column names."""
    error = refused(data)
    assert (error.code, error.row) == ("no_column_names", 1)
    assert "Put the column names in row 1" in error.message


def test_a_header_row_of_only_delimiters_is_refused_by_the_exact_reader_too():
    error = refused(b",,\nA,1,2\nB,4,5,6\n")  # a ragged row sends it to the exact reader
    assert (error.code, error.row) == ("no_column_names", 1)


def test_too_many_columns_are_refused_before_the_rows_are_read():
    header = ",".join(f"Column {i}" for i in range(2000))
    error = refused((header + "\n" + ",".join("1" * 2000) + "\n").encode())
    assert (error.code, error.row) == ("too_many_columns", 1)
    assert "The file has 2,000 columns (row 1), more than the 100 we can take" in error.message
    assert refused(xlsx_bytes([[f"C{i}" for i in range(101)], [1] * 101]), "x.xlsx").code == "too_many_columns"
    assert read(xlsx_bytes([[f"C{i}" for i in range(100)], [1] * 100]), "x.xlsx").columns[-1] == "C99"
    assert read(b"A,B\n1,2\n", max_columns=2).columns == ["A", "B"]


def test_mixed_utf8_and_windows_1252_is_refused_not_garbled():
    data = "Ethnicity,Town\nA,Café\n".encode() + "B,Łódź\n".encode() + "C,Café\n".encode("cp1252")
    error = refused(data)
    assert error.code == "mixed_encoding"
    assert "line 2" in error.message and "line 4" in error.message
    assert "CSV UTF-8" in error.message
    # Plain Windows-1252 is still read (Excel's "CSV"), and so is plain UTF-8.
    assert read("Ethnicity,Town\nA,Café £3\n".encode("cp1252")).table["Town"].iloc[0] == "Café £3"
    assert read("Ethnicity,Town\nA,Café\n".encode()).table["Town"].iloc[0] == "Café"


def test_field_longer_than_limit_in_workbook():
    error = refused(xlsx_bytes([["Ethnicity", "Comment"], ["A", "y" * 50]]), "x.xlsx", max_field_chars=20)
    assert (error.code, error.row, error.column) == ("field_too_long", 2, "B")


def test_too_many_rows_is_refused():
    error = refused(b"A\n1\n2\n3\n4\n", max_rows=3)
    assert error.code == "too_many_rows"
    assert "more than 3 rows of data" in error.message and "Split it into smaller files" in error.message


ROW_LIMIT_FILES = {
    "fast CSV reader": (b"A,B\n1,x\n2,x\n3,x\n4,x\n", "extract.csv"),
    # A short row sends the file to the exact reader (it pads the row and says so).
    "exact CSV reader": (b"A,B\n1,x\n2\n3,x\n4,x\n", "extract.csv"),
    "workbook reader": (xlsx_bytes([["A", "B"], ["1", "x"], ["2", "x"], ["3", "x"], ["4", "x"]]), "x.xlsx"),
}


@pytest.mark.parametrize("reader", ROW_LIMIT_FILES)
def test_every_reader_keeps_the_row_limit(reader):
    data, name = ROW_LIMIT_FILES[reader]
    error = refused(data, name, max_rows=3)
    assert error.code == "too_many_rows"
    assert "more than 3 rows of data" in error.message
    extract = read(data, name, max_rows=4)
    assert extract.row_count == 4 and list(extract.table.index) == [2, 3, 4, 5]
    assert (reader == "exact CSV reader") == any(n["code"] == SHORT_ROWS_PADDED for n in extract.notices)


def test_two_hundred_thousand_trailing_empty_lines_are_dropped(tmp_path):
    data = b"Ethnicity,Age\nA,30\nB,40\n" + b"\n" * 100_000 + b",\r\n" * 100_000
    extract = read(write(tmp_path, "extract.csv", data))
    assert extract.row_count == 2
    assert list(extract.table.index) == [2, 3]
    assert extract.empty_rows_dropped == 200_000
    assert extract.table.memory_usage(deep=True).sum() < 10_000  # nothing of them is kept
    assert any(n["code"] == "empty_rows_dropped" and n["count"] == 200_000 for n in extract.notices)


def test_empty_rows_between_data_keep_spreadsheet_row_numbers():
    extract = read(b"A,B\n1,2\n,\n\n3,4\n")
    assert list(extract.table.index) == [2, 5]


def test_workbook_trailing_formatted_empty_rows_are_dropped():
    def tweak(ws):
        from openpyxl.styles import Font

        for row in range(10, 3000):
            ws.cell(row=row, column=1).font = Font(bold=True)

    extract = read(xlsx_bytes([["A", "B"], ["1", "2"], [None, None], ["3", "4"]], tweak=tweak), "x.xlsx")
    assert list(extract.table.index) == [2, 4]
    assert extract.empty_rows_dropped >= 1


# --------------------------------------------------------------------------- column names


def test_duplicate_column_names_are_refused():
    error = refused(b"Ethnicity,Age,ethnicity \nA,3,B\n")
    assert error.code == "duplicate_columns"
    assert error.row == 1
    assert "Columns A and C are both called 'ethnicity' (row 1)" in error.message
    assert "Give each column a different name" in error.message


def test_duplicate_column_names_in_workbook_are_refused():
    error = refused(xlsx_bytes([["Age", "Age"], [1, 2]]), "x.xlsx")
    assert error.code == "duplicate_columns" and "Columns A and B" in error.message


def test_blank_column_name_with_values_is_refused():
    error = refused(b"Ethnicity,,Age\nA,,30\nB,oops,40\n")
    assert error.code == "blank_column_name"
    assert (error.row, error.column) == (1, "B")
    assert "Column B has no name in row 1 but has values (for example in row 3)" in error.message
    assert "Give every column a name in row 1" in error.message


def test_blank_column_without_values_is_ignored():
    extract = read(b"Ethnicity,,Age\nA,,30\n")
    assert extract.columns == ["Ethnicity", "Age"]
    assert any(n["code"] == "unnamed_empty_columns_ignored" and "B" in n["message"] for n in extract.notices)


def test_value_under_unnamed_workbook_column_is_refused():
    def tweak(ws):
        ws["D3"] = "stray"

    error = refused(xlsx_bytes([["Ethnicity", "Age"], ["A", 3], ["B", 4]], tweak=tweak), "x.xlsx")
    assert (error.code, error.row, error.column) == ("blank_column_name", 3, "D")
    assert "Give column D a name in row 1" in error.message


# --------------------------------------------------------------------------- direct identifiers


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("NHS Number", "nhs_number"),
        ("NHSNumber", "nhs_number"),
        ("nhs_no", "nhs_number"),
        ("Name", "name"),
        ("Forename", "name"),
        ("Surname", "name"),
        ("First name", "name"),
        ("Last name", "name"),
        ("Full name", "name"),
        ("PersonGivenName", "name"),
        ("Date of birth", "date_of_birth"),
        ("DOB", "date_of_birth"),
        ("PersonBirthDate", "date_of_birth"),
        ("Postcode", "postcode"),
        ("Postcode (full)", "postcode"),
        ("DefaultPostcode", "postcode"),
        ("Address line 1", "address"),
        ("Email", "contact"),
    ],
)
def test_identifier_column_names(name, kind):
    assert identifier_kind_for_name(name) == kind


@pytest.mark.parametrize(
    "name",
    [
        "LSOA2011",
        "LSOA",
        "Postcode district",
        "Postcode sector",
        "PostcodeDistrict",
        "Pseudo NHS number",
        "NHSNumberStatus",
        "NHSDEthnicity",
        "Team name",
        "Person_ID",
        "Ethnicity",
        "Age",
        "Contacts",
    ],
)
def test_not_identifier_column_names(name):
    assert identifier_kind_for_name(name) is None


def test_nhs_number_check_digit():
    assert is_valid_nhs_number("9434765919")
    assert is_valid_nhs_number("943 476 5919")
    assert not is_valid_nhs_number("9434765918")  # wrong check digit
    assert not is_valid_nhs_number("0000000000")
    assert not is_valid_nhs_number("943476591")


def test_identifier_columns_are_dropped_by_name_and_reported():
    rows = [
        ["NHS Number", "Forename", "DOB", "Postcode", "Postcode district", "LSOA2011", "Ethnicity"],
        ["9434765919", "Ann", "1990-01-01", "LS1 4AP", "LS1", "E01011362", "A"],
    ]
    extract = read(csv_text(rows).encode())
    assert extract.columns == ["Postcode district", "LSOA2011", "Ethnicity"]
    assert extract.dropped_identifiers == ["NHS Number", "Forename", "DOB", "Postcode"]
    dropped = {d["column"]: d for d in extract.identifier_details}
    assert dropped["NHS Number"]["message"] == (
        "We removed column 'NHS Number' because it holds NHS numbers, which identify people. It was not stored."
    )
    assert dropped["DOB"]["detected_by"] == "name" and dropped["DOB"]["kind"] == "date_of_birth"
    notice = extract.notices[0]
    assert notice["code"] == IDENTIFIER_COLUMNS_DROPPED
    assert notice["columns"] == ["NHS Number", "Forename", "DOB", "Postcode"]
    assert "because they identify people. They were not stored" in notice["message"]
    assert extract.metadata()["dropped_identifiers"][0] == "NHS Number"
    assert extract.metadata()["identifier_details"][0]["position"] == "A"


def test_identifier_columns_are_dropped_by_content():
    numbers = [nhs_number(400_000_000 + 7919 * i) for i in range(40)]
    not_numbers = [str(1_234_567_890 + 11 * i) for i in range(40)]
    not_numbers = [n for n in not_numbers if not is_valid_nhs_number(n)]
    rows = [["Ref", "Other ref", "Where", "District", "Ethnicity"]]
    for i in range(len(not_numbers)):
        rows.append([numbers[i], not_numbers[i], f"LS{i % 9 + 1} {i % 9}AB", f"LS{i % 9 + 1}", "A"])
    extract = read(csv_text(rows).encode())
    assert extract.columns == ["Other ref", "District", "Ethnicity"]
    dropped = {d["column"]: d for d in extract.identifier_details}
    assert dropped["Ref"]["kind"] == "nhs_number" and dropped["Ref"]["detected_by"] == "content"
    assert dropped["Where"]["kind"] == "postcode"
    assert "most of its values look like NHS numbers" in dropped["Ref"]["message"]


def test_identifier_columns_are_dropped_from_workbooks():
    extract = read(xlsx_bytes([["NHSNumber", "Ethnicity"], [9434765919, "A"]]), "x.xlsx")
    assert extract.columns == ["Ethnicity"]
    assert extract.dropped_identifiers == ["NHSNumber"]


def test_file_of_only_identifiers_is_refused():
    error = refused(b"NHS Number,Surname\n9434765919,Smith\n")
    assert error.code == "only_identifiers"
    assert "nothing is left to analyse" in error.message and "Upload a file with columns such as" in error.message


def test_error_messages_never_quote_cell_values():
    error = refused(b"Surname,Age\nSmith,30,extra\n")
    assert "Smith" not in error.message


# --------------------------------------------------------------------------- formula injection


def test_formula_cells_are_kept_as_data():
    extract = read(b'Team,Score\n"=HYPERLINK(""http://x"")",-1.5\n@SUM(A1),+3\n')
    assert extract.table.loc[2, "Team"] == '=HYPERLINK("http://x")'
    assert extract.table.loc[2, "Score"] == "-1.5"
    assert extract.table.loc[3, "Team"] == "@SUM(A1)"


def test_column_letters():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 701, 702)] == ["A", "B", "Z", "AA", "AB", "ZZ", "AAA"]


@pytest.mark.parametrize(
    "data",
    [
        csv_text(ROWS).encode("cp1252"),
        b'Id,Comment,Team\n1,"said ""hi"", then\nleft",North\n\n,,\n2,plain,South\n' + b",,\n" * 50,
        b"\n\nEthnicity;Age\nA;30\n",
    ],
)
def test_fast_and_exact_readers_agree(data, monkeypatch):
    from identify.engine import reading

    fast = read(data)

    def irregular(*args, **kwargs):
        raise reading._Irregular

    monkeypatch.setattr(reading, "_parse_csv_arrow", irregular)
    exact = read(data)
    pd.testing.assert_frame_equal(fast.table, exact.table)
    assert fast.metadata() == exact.metadata()


def test_damaged_workbook_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("[Content_Types].xml", "junk")
        archive.writestr("xl/workbook.xml", "<not xml")
    error = refused(buf.getvalue(), "extract.xlsx")
    assert error.code == "xlsx_unreadable"
    assert "We could not open the Excel workbook 'extract.xlsx'" in error.message
    assert "save it as 'CSV UTF-8" in error.message


# --------------------------------------------------------------------------- hostile workbooks


def _replace_member(data: bytes, member: str, write_member) -> bytes:
    """The workbook with one member rewritten by write_member(stream), streamed so no test holds it whole."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == member:
                with target.open(member, "w", force_zip64=True) as stream:
                    write_member(stream)
            else:
                target.writestr(info, source.read(info))
    return out.getvalue()


def test_a_zip_bomb_workbook_is_refused_before_it_is_unzipped(monkeypatch):
    """200 MB of cells in a workbook of a few hundred KB: refused from the zip's directory alone."""
    unpacked = 200 * MB

    def bomb(stream):
        stream.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
        stream.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>')
        block = b"A" * MB
        for _ in range(unpacked // MB):
            stream.write(block)
        stream.write(b"</t></is></c></row></sheetData></worksheet>")

    data = _replace_member(xlsx_bytes([["Ethnicity"], ["A"]]), "xl/worksheets/sheet1.xml", bomb)
    assert len(data) < 2 * MB

    def no_parsing(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", no_parsing)
    tracemalloc.start()
    try:
        error = refused(data, "bomb.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.code == "xlsx_too_big_unzipped"
    assert "would unpack to 200 MB" in error.message and "CSV UTF-8" in error.message
    assert peak < 10 * MB, peak


def test_a_workbook_with_huge_shared_strings_is_refused(monkeypatch):
    monkeypatch.setattr("identify.engine.reading._ZIP_MAX_SHARED_STRINGS", 1000)
    monkeypatch.setattr("identify.engine.reading._ZIP_MAX_RATIO", 10**9)
    out = io.BytesIO(xlsx_bytes([["Ethnicity"], ["A"]]))
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", "<sst>" + "<si><t>x</t></si>" * 100 + "</sst>")
    error = refused(out.getvalue(), "x.xlsx")
    assert error.code == "xlsx_too_big_unzipped"


def test_a_workbook_with_a_stale_dimension_is_read_to_the_last_row():
    """Some programs write <dimension ref="A1:B2"/> and then more rows; read-only openpyxl stops there."""
    rows = [["Ethnicity", "Age"]] + [["A", i] for i in range(10)]
    good = xlsx_bytes(rows)

    def stale(stream):
        xml = zipfile.ZipFile(io.BytesIO(good)).read("xl/worksheets/sheet1.xml")
        # openpyxl writes `<dimension ref="A1:B11" />`, or without the space when lxml is installed.
        stale_xml, replaced = re.subn(rb'<dimension ref="A1:B11"\s*/>', b'<dimension ref="A1:A2" />', xml)
        assert replaced == 1
        stream.write(stale_xml)

    extract = read(_replace_member(good, "xl/worksheets/sheet1.xml", stale), "x.xlsx")
    assert extract.row_count == 10
    assert extract.columns == ["Ethnicity", "Age"]
    assert list(extract.table["Age"]) == [str(i) for i in range(10)]
    assert list(extract.table.index) == list(range(2, 12))


def test_repeating_columns_read_in_many_batches_keep_every_value(monkeypatch):
    """Batches with different dictionaries (and an empty row to drop) merge into one
    categorical per repeating column, with small codes; a column that stops repeating
    in a later batch, and one that never repeats, come back as text."""
    from identify.engine import reading

    monkeypatch.setattr(reading, "_BLOCK_SIZE", 16 * 1024)
    monkeypatch.setattr(reading, "_DICT_MIN_ROWS", 64)
    n = 6000
    rows = [["Team", "Area", "Id", "Later unique"]]
    for i in range(n):
        team = f"team {i // 1500}"  # new values appear batch after batch
        rows.append([team, f"area {(i * 7) % 150}", f"P{i:06d}", f"u{i}" if i > 4000 else "same"])
    rows.insert(2500, ["", " ", "", ""])  # dropped as empty
    extract = read(csv_text(rows).encode())
    table = extract.table
    assert extract.empty_rows_dropped == 1
    kept = [r for r in rows[1:] if "".join(r).strip()]
    for j, column in enumerate(rows[0]):
        assert table[column].tolist() == [r[j] for r in kept], column
    team, area = table["Team"], table["Area"]
    assert isinstance(team.dtype, pd.CategoricalDtype) and isinstance(area.dtype, pd.CategoricalDtype)
    assert list(team.cat.categories) == [f"team {k}" for k in range(4)]  # in order of first appearance
    assert team.cat.codes.dtype == "int8" and area.cat.codes.dtype == "int16"
    assert isinstance(table["Id"].dtype, pd.StringDtype) and isinstance(table["Later unique"].dtype, pd.StringDtype)
    assert table.index[2498:2500].tolist() == [2500, 2502]  # spreadsheet rows: row 2501 was the empty one
