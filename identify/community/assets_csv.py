"""The community asset directory as CSV (Identify 1B): export, the import
template, and reading an import.

An import is checked in full before anything is saved: every row through a
Django form (AssetRowForm, the same fields and messages as the asset form),
names and postcodes unique within the file. Any problem, and nothing is
imported; each is reported with its row number (the header is row 1, as in a
spreadsheet) and column. identify.community.services.assets_import saves it.

Exports go through identify.engine.csv_safe (formula injection); a value that
comes back from one of our exports with csv_safe's leading apostrophe is read
without it, so exporting and importing again changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError

from amhe.core import taxonomy
from identify.community import services
from identify.community.forms import AssetFieldsForm
from identify.engine import ExtractError, csv_safe, csv_unsafe
from identify.engine.reading import detect_encoding
from identify.models import CommunityAsset

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
MAX_ERRORS = 200

# (heading, required, what to put in it), in the order of the template and exports.
COLUMNS: tuple[tuple[str, bool, str], ...] = (
    ("name", True, "The name of the organisation, group, service or place."),
    (
        "kind",
        True,
        "One of: " + "; ".join(f"{value} ({label})" for value, label in CommunityAsset.Kind.choices) + ".",
    ),
    ("description", False, "What it does."),
    (
        "characteristics",
        False,
        "The characteristics it serves, separated by semicolons, by key or name: for example 'race; carer' or "
        "'Race; Carers'. The keys are listed below.",
    ),
    (
        "criteria",
        False,
        "The groups it serves, as codes of a code list: the code list, a colon, the codes separated by commas; "
        "separate code lists with semicolons. For example 'ons_ethnicity_2021: BLACK_AFRICAN, BLACK_CARIBBEAN; "
        "age_band_mh: 18-24'.",
    ),
    ("populations_served", False, "Who it serves, in its own words."),
    ("languages", False, "Languages spoken, separated by commas."),
    ("accessibility", False, "Step-free access, hearing loop, BSL, easy read and so on."),
    ("postcode", False, "A full postcode like LS7 3HB, or just its first part like LS7."),
    ("area", False, "The neighbourhood or town."),
    ("contact_name", False, "A named contact who has agreed to be listed, or a role."),
    ("email", False, "An email address like name@example.org."),
    ("phone", False, "A phone number."),
    ("website", False, "A web address like https://www.example.org."),
    ("referral_route", False, "How people are referred or can refer themselves."),
)
HEADINGS = [heading for heading, _required, _help in COLUMNS]
REQUIRED = [heading for heading, required, _help in COLUMNS if required]
assert HEADINGS == list(services.ASSET_FIELDS)


# --- Writing --------------------------------------------------------------------------


def characteristics_text(keys: Iterable[str]) -> str:
    return "; ".join(keys or [])


def criteria_text(criteria: Iterable[dict]) -> str:
    return "; ".join(f"{item['code_list']}: {', '.join(item['codes'])}" for item in criteria or [] if item.get("codes"))


def asset_row(asset: CommunityAsset) -> list[str]:
    values = {name: getattr(asset, name) for name in HEADINGS}
    values["characteristics"] = characteristics_text(asset.characteristics)
    values["criteria"] = criteria_text(asset.criteria)
    return [csv_safe(values[name] or "") for name in HEADINGS]


def write(out, assets: Iterable[CommunityAsset]) -> None:
    """The assets as CSV into `out` (a file or HttpResponse), headings first."""
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    for asset in assets:
        writer.writerow(asset_row(asset))


# --- Reading ---------------------------------------------------------------------------

_SPLIT = re.compile(r"[;,\n]")


def _heading_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", (text or "").strip().lower()).strip("_")


def parse_characteristics(text: str) -> list[str]:
    by_name = {}
    for key, item in taxonomy.CHARACTERISTICS.items():
        by_name[taxonomy.normalise(key)] = key
        by_name[taxonomy.normalise(item.label)] = key
    keys, unknown = [], []
    for part in _SPLIT.split(text or ""):
        if not part.strip():
            continue
        key = by_name.get(taxonomy.normalise(part))
        if key is None:
            unknown.append(part.strip())
        elif key not in keys:
            keys.append(key)
    if unknown:
        quoted = ", ".join(f"'{value}'" for value in unknown)
        raise ValidationError(
            f"{quoted} {'is not a characteristic' if len(unknown) == 1 else 'are not characteristics'}. Use the "
            "keys or names listed on the import page, separated by semicolons"
        )
    return keys


def parse_criteria(text: str) -> list[dict]:
    criteria: dict[str, list[str]] = {}
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        key, colon, codes = part.partition(":")
        key = key.strip().lower()
        if not colon:
            raise ValidationError(f"'{part.strip()}' needs a code list, a colon and codes, like 'age_band_mh: 18-24'")
        if key not in services.CRITERIA_KEYS:
            allowed = ", ".join(services.CRITERIA_KEYS)
            raise ValidationError(f"'{key}' is not a code list the directory uses. Use one of: {allowed}")
        code_list = taxonomy.code_list(key)
        for code in (c.strip() for c in codes.split(",")):
            if not code:
                continue
            category = code_list.get(code)
            if category is None:
                raise ValidationError(
                    f"'{code}' is not a code in {key}. Its codes are: {', '.join(c.code for c in code_list.answered)}"
                )
            if category.code not in criteria.setdefault(key, []):
                criteria[key].append(category.code)
    return [{"code_list": key, "codes": codes} for key, codes in criteria.items() if codes]


class AssetRowForm(AssetFieldsForm):
    """One row of an import: the asset form's fields, with kind, characteristics
    and criteria as text."""

    kind = forms.CharField(
        label="kind",
        error_messages={"required": "Enter the kind: organisation, group, service or place"},
    )
    characteristics = forms.CharField(required=False)
    criteria = forms.CharField(required=False)

    def clean_kind(self):
        wanted = taxonomy.normalise(self.cleaned_data["kind"])
        for value, label in CommunityAsset.Kind.choices:
            if wanted in (taxonomy.normalise(value), taxonomy.normalise(label)):
                return value
        raise ValidationError(
            f"'{self.cleaned_data['kind']}' is not a kind of asset. Enter organisation, group, service or place"
        )

    def clean_characteristics(self):
        return parse_characteristics(self.cleaned_data["characteristics"])

    def clean_criteria(self):
        return parse_criteria(self.cleaned_data["criteria"])


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: about the whole file
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        where = f"Row {self.row}, column '{self.column}'" if self.column else f"Row {self.row}"
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    rows: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    more_errors: int = 0  # errors found beyond MAX_ERRORS

    def add(self, row, column, message) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, column, message))
        else:
            self.more_errors += 1

    @property
    def ok(self) -> bool:
        return not self.errors


_UNREADABLE = "The file could not be read. In your spreadsheet, save it as 'CSV UTF-8' and try again."


def _decode(data: bytes, filename: str) -> str:
    """The text of the file, found as the 1A upload finds it (identify.engine.reading):
    UTF-8 (with or without Excel's BOM), UTF-16 with a BOM (Excel's "Unicode text"),
    else Windows-1252 (Excel's plain "CSV" on Windows). Binary files, undecodable
    bytes and files that mix UTF-8 with another encoding raise ValidationError
    with what to do, rather than come out garbled."""
    try:
        codec, _label = detect_encoding(data, filename=filename)
        text = data.decode(codec)
    except ExtractError as exc:
        raise ValidationError(exc.message if exc.code == "mixed_encoding" else _UNREADABLE) from None
    except UnicodeDecodeError:
        raise ValidationError(_UNREADABLE) from None
    if "\x00" in text:
        raise ValidationError(_UNREADABLE)
    return text


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_csv(data: bytes, *, filename: str = "the file") -> ImportResult:
    """Check an uploaded CSV. `result.rows` holds (row number, fields) for every
    row when `result.ok`; the fields are the file's columns, cleaned."""
    result = ImportResult()
    if len(data) > MAX_BYTES:
        result.add(None, "", f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB.")
        return result
    if data[:4] == b"PK\x03\x04":
        result.add(None, "", "This is a spreadsheet workbook, not a CSV. In your spreadsheet, save it as 'CSV UTF-8'.")
        return result
    try:
        text = _decode(data, filename)
    except ValidationError as exc:
        result.add(None, "", exc.messages[0])
        return result
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        lines = list(reader)
    except csv.Error as exc:
        result.add(None, "", f"The file is not a readable CSV ({exc}). Save it from your spreadsheet as CSV.")
        return result
    if not lines or not any(cell.strip() for cell in lines[0]):
        result.add(None, "", "The file is empty. The first row must be the column headings of the template.")
        return result

    headings = [_heading_key(cell) for cell in lines[0]]
    known = set(HEADINGS)
    for number, (raw, key) in enumerate(zip(lines[0], headings, strict=True), start=1):
        if not key:
            if any(len(line) >= number and line[number - 1].strip() for line in lines[1:]):
                result.add(1, "", f"Column {number} has no heading. Give it one of the template's headings.")
        elif key not in known:
            result.add(
                1, raw.strip(), f"'{raw.strip()}' is not a column the import knows. Use the headings of the template."
            )
    for key in {k for k in headings if k and headings.count(k) > 1}:
        result.add(1, key, f"There are {headings.count(key)} '{key}' columns. Keep one.")
    for key in REQUIRED:
        if key not in headings:
            result.add(1, key, f"There is no '{key}' column. Every asset needs one.")
    if result.errors:
        return result
    result.columns = [key for key in headings if key]

    rows = [(number, line) for number, line in enumerate(lines[1:], start=2) if any(cell.strip() for cell in line)]
    if not rows:
        result.add(None, "", "The file has headings but no assets. Add one asset on each row below the headings.")
        return result
    if len(rows) > MAX_ROWS:
        result.add(None, "", f"The file has {len(rows):,} assets. Import at most {MAX_ROWS:,} at a time.")
        return result

    seen: dict[tuple[str, str], int] = {}
    for number, line in rows:
        if len(line) > len(headings) and any(cell.strip() for cell in line[len(headings) :]):
            result.add(number, "", "This row has more cells than there are headings.")
            continue
        values = {key: csv_unsafe(cell.strip()) for key, cell in zip(headings, line, strict=False) if key}
        form = AssetRowForm(data=values)
        if not form.is_valid():
            for name, errors in form.errors.items():
                for error in errors:
                    result.add(number, name if name in known else "", error.rstrip(".") + ".")
            continue
        fields = {key: form.cleaned_data[key] for key in result.columns}
        key = services.asset_key(fields["name"], fields.get("postcode", ""))
        if key in seen:
            result.add(
                number,
                "name",
                f"Row {seen[key]} has the same name and postcode. Each asset can be in the file only once.",
            )
            continue
        seen[key] = number
        result.rows.append((number, fields))
    if result.errors:
        result.rows = []
    return result
