"""Reading references from RIS and CSV files (research.evidence.importing, pure Python)."""

import pytest

from research.evidence import importing

GOOD_RIS = (
    b"TY  - JOUR\r\n"
    b"TI  - Ethnic inequalities in involuntary admission under the Mental Health Act\r\n"
    b"AU  - Barnett, Phoebe\r\n"
    b"AU  - Mackay, Eleanor\r\n"
    b"PY  - 2019/05/01/\r\n"
    b"DO  - https://doi.org/10.1016/S2215-0366(19)30027-6\r\n"
    b"AB  - A systematic review and meta-analysis\r\n"
    b"      of international studies.\r\n"
    b"KW  - ignored\r\n"
    b"ER  - \r\n"
    b"\r\n"
    b"TY  - RPRT\n"
    b"T1  - Advancing mental health equalities strategy\n"
    b"A1  - NHS England\n"
    b"Y1  - 2020\n"
    b"UR  - https://www.england.nhs.uk/publication/advancing-mental-health-equalities-strategy/\n"
    b"N2  - The strategy.\n"
    b"ER  -\n"
)


def test_ris_good_file():
    result = importing.read_ris(GOOD_RIS)
    assert result.ok, result.problems
    assert result.records == [
        (
            1,
            {
                "title": "Ethnic inequalities in involuntary admission under the Mental Health Act",
                "authors": "Barnett, Phoebe; Mackay, Eleanor",
                "year": 2019,
                "doi": "10.1016/S2215-0366(19)30027-6",
                "url": "",
                "summary": "A systematic review and meta-analysis of international studies.",
            },
        ),
        (
            2,
            {
                "title": "Advancing mental health equalities strategy",
                "authors": "NHS England",
                "year": 2020,
                "doi": "",
                "url": "https://www.england.nhs.uk/publication/advancing-mental-health-equalities-strategy/",
                "summary": "The strategy.",
            },
        ),
    ]


def _problems(result):
    return [str(problem) for problem in result.problems]


def test_ris_bad_records_are_reported_by_number_and_nothing_is_kept():
    data = (
        b"TY  - JOUR\nTI  - Fine\nPY  - 2019\nER  - \n"
        b"TY  - JOUR\nAU  - No title\nER  - \n"
        b"TY  - JOUR\nTI  - Bad DOI and year\nDO  - 11.1/x\nPY  - 19\nUR  - javascript:alert(1)\nER  - \n"
        b"TY  - JOUR\nTI  - Unfinished\n"
    )
    result = importing.read_ris(data)
    assert not result.ok
    assert result.records == []  # all or nothing
    problems = _problems(result)
    assert problems[0] == "Record 2: There is no title. Every reference needs one."
    assert problems[1] == "Record 3: '19' is not a year. Enter the year of publication, like 2019."
    assert problems[2].startswith("Record 3: '11.1/x' is not a DOI.")
    assert problems[3].startswith("Record 3: 'javascript:alert(1)' is not a web address.")
    assert problems[4] == "Record 4: It starts on line 14 but the file ends before its end line 'ER  - '. Add one."
    assert len(problems) == 5


def test_ris_missing_end_before_next_record_and_tags_before_a_record():
    result = importing.read_ris(b"TY  - JOUR\nTI  - One\nTY  - JOUR\nTI  - Two\nER  - \n")
    assert _problems(result) == [
        "Record 1: It starts on line 1 but has no end line 'ER  - ' before the next record. Add one."
    ]
    result = importing.read_ris(b"TI  - Orphan\nER  - \n")
    assert _problems(result)[0].startswith("Line 1: the tag 'TI' comes before a record starts.")
    result = importing.read_ris(b"Just some text\n")
    assert _problems(result) == ["Line 1 is not a RIS line. Each line starts with a tag like 'TY  - '."]


def test_ris_duplicate_doi_in_the_file():
    data = (
        b"TY  - JOUR\nTI  - A\nDO  - 10.1192/bjp.2019.22\nER  - \n"
        b"TY  - JOUR\nTI  - B\nDO  - 10.1192/BJP.2019.22\nER  - \n"
    )
    assert _problems(importing.read_ris(data)) == ["Record 2: It has the same DOI as record 1. Keep one of them."]


def test_hostile_files_are_refused_with_what_to_do():
    too_big = b"TY  - JOUR\n" + b"AB  - " + b"x" * importing.MAX_BYTES + b"\nER  - \n"
    assert _problems(importing.read_ris(too_big)) == ["The file is too big: it must be smaller than 2 MB. Split it."]
    assert _problems(importing.read_csv(b"\x89PNG\r\n\x1a\n\x00\x00binary"))[0].startswith(
        "The file could not be read as text."
    )
    assert _problems(importing.read_ris(b"PK\x03\x04zip")) == [importing._UNREADABLE]
    assert _problems(importing.read_ris(b"   \n")) == ["The file is empty. Choose a file with references in it."]
    many = "".join(f"TY  - JOUR\nTI  - T{n}\nER  - \n" for n in range(importing.MAX_RECORDS + 1)).encode()
    assert _problems(importing.read_ris(many)) == [
        "The file has more than 2,000 references. Import at most 2,000 at a time."
    ]


def test_control_characters_are_stripped():
    data = "TY  - JOUR\nTI  - Crisis\x07 care\x1b for\u2028all\x85\nAB  - Line one\x0b\nER  - \n".encode()
    result = importing.read_ris(data)
    assert result.ok
    record = result.records[0][1]
    assert record["title"] == "Crisis care for all"
    assert record["summary"] == "Line one"


def test_csv_good_file_any_order_and_case_with_excel_bom():
    data = (
        "\ufeffYear,Title,DOI,Authors,URL,Summary\r\n"
        "2019,Ethnic inequalities in detention,doi:10.1016/S2215-0366(19)30027-6,Barnett P; Mackay E,,A review\r\n"
        ",,,,,\r\n"
        '2020,"Advancing mental health equalities, the strategy",,NHS England,https://www.england.nhs.uk/,\r\n'
    ).encode()
    result = importing.read_csv(data)
    assert result.ok, result.problems
    assert [(number, record["title"], record["year"], record["doi"]) for number, record in result.records] == [
        (2, "Ethnic inequalities in detention", 2019, "10.1016/S2215-0366(19)30027-6"),
        (4, "Advancing mental health equalities, the strategy", 2020, ""),
    ]


def test_csv_bad_headings():
    result = importing.read_csv(b"name,authors,authors\nA,B,C\n")
    assert _problems(result) == [
        "Row 1: Column 1, 'name', is not a heading the import knows. Use: title, authors, year, doi, url, summary.",
        "Row 1: There are 2 'authors' columns. Keep one.",
        "Row 1: There is no 'title' column. Every reference needs a title.",
    ]


def test_csv_bad_rows_are_reported_by_spreadsheet_row_and_nothing_is_kept():
    data = b"title,year,url\nFine,2019,https://example.org\n,2019,\nBad year,twenty,\nBad url,,ftp://example.org/x\nA,1,2,3\n"
    result = importing.read_csv(data)
    assert result.records == []
    assert _problems(result) == [
        "Row 3: There is no title. Every reference needs one.",
        "Row 4: 'twenty' is not a year. Enter the year of publication, like 2019.",
        "Row 5: 'ftp://example.org/x' is not a web address. Enter one that starts with https:// or http://.",
        "Row 6: This row has more cells than there are headings. Check for a stray comma.",
    ]


def test_csv_windows_1252_is_read():
    result = importing.read_csv("title\nCaf\xe9 for carers\n".encode("cp1252"))
    assert result.records[0][1]["title"] == "Café for carers"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("10.1192/bjp.2019.22", "10.1192/bjp.2019.22"),
        ("https://doi.org/10.1192/bjp.2019.22", "10.1192/bjp.2019.22"),
        ("https://dx.doi.org/10.1192/bjp.2019.22", "10.1192/bjp.2019.22"),
        ("DOI: 10.1192/bjp.2019.22", "10.1192/bjp.2019.22"),
        ("", ""),
    ],
)
def test_clean_doi(value, expected):
    assert importing.clean_doi(value) == expected


@pytest.mark.parametrize("value", ["10.11/x", "10.1192", "10.1192/", "bjp.2019.22", "10.1192/a b", "<script>"])
def test_clean_doi_refuses_what_is_not_a_doi(value):
    with pytest.raises(ValueError, match="is not a DOI"):
        importing.clean_doi(value)


@pytest.mark.parametrize("value", ["javascript:alert(1)", "ftp://example.org", "www.example.org", "https://", "data:x"])
def test_clean_url_takes_http_and_https_only(value):
    with pytest.raises(ValueError, match="is not a web address"):
        importing.clean_url(value)
