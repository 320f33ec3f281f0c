"""Identify 1B, work with communities: focus groups and community
conversations, input from community groups and partner services, and the
organisation's directory of community assets (services).

Every write is here: keyword-only, `by=` the user doing it, atomic, with the
project or organisation it belongs to checked. Views only collect input.

A focus group's make-up is an aggregate, {characteristic: {group: count}},
over a few characteristics of the taxonomy (MAKE_UP); attendees' names are
never asked for or kept. Community input sent through the public link keeps
what was typed, the language and the day: no IP address, user agent, session
or user (docs/adr/0007).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from amhe.core import audit, taxonomy
from amhe.surveys import themes
from identify.models import CommunityAsset, CommunityInput, CommunityInputLink, FocusGroup

# --- Make-up of a focus group ------------------------------------------------------


@dataclass(frozen=True)
class MakeUpCharacteristic:
    """A characteristic a focus group's make-up is counted by. `key` is the
    breakdown dimension's key (as in the survey results), its groups those of
    a taxonomy code list: the high-level groups when `high_level`, otherwise
    the answered categories."""

    key: str
    label: str
    characteristic: str  # taxonomy characteristic key
    code_list: str
    high_level: bool = False

    def categories(self) -> list[tuple[str, str]]:
        code_list = taxonomy.code_list(self.code_list)
        if self.high_level:
            return code_list.group_choices()
        return [(category.code, category.label) for category in code_list.answered]

    def codes(self) -> list[str]:
        return [code for code, _label in self.categories()]


MAKE_UP: tuple[MakeUpCharacteristic, ...] = (
    MakeUpCharacteristic("ethnicity_high", "Ethnic group", "race", "ons_ethnicity_2021", high_level=True),
    MakeUpCharacteristic("sex", "Sex", "sex", "sex_2021"),
    MakeUpCharacteristic("age_band", "Age", "age", "age_band_mh"),
    MakeUpCharacteristic("disability", "Disability", "disability", "disability"),
)
MAKE_UP_BY_KEY = {item.key: item for item in MAKE_UP}


def clean_make_up(make_up: Mapping | None, attendees: int) -> dict[str, dict[str, int]]:
    """The make-up as stored: known characteristics and groups only, whole
    numbers from 0, none more than the attendees and none adding up to more.
    Raises ValidationError({"make_up": [...]}) naming what is wrong."""
    problems: list[str] = []
    cleaned: dict[str, dict[str, int]] = {}
    for key, counts in (make_up or {}).items():
        item = MAKE_UP_BY_KEY.get(key)
        if item is None:
            problems.append(f"'{key}' is not a characteristic the make-up is counted by.")
            continue
        labels = dict(item.categories())
        row: dict[str, int] = {}
        for code, count in (counts or {}).items():
            if code not in labels:
                problems.append(f"'{code}' is not a group of {item.label.lower()}.")
                continue
            if count is None or count == "":
                continue
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                problems.append(f"{labels[code]}: enter a whole number, 0 or more.")
                continue
            if count > attendees:
                problems.append(f"{labels[code]}: {count} is more than the {attendees} attendee{pluralize(attendees)}.")
                continue
            row[code] = count
        if sum(row.values()) > attendees:
            problems.append(
                f"The {item.label.lower()} numbers add up to {sum(row.values())}, "
                f"more than the {attendees} attendee{pluralize(attendees)}."
            )
        if row:
            cleaned[key] = {code: row[code] for code in item.codes() if code in row}
    if problems:
        raise ValidationError({"make_up": problems})
    return cleaned


# --- Focus groups and community conversations ------------------------------------------

FOCUS_GROUP_FIELDS = (
    "title",
    "held_on",
    "community_group",
    "asset",
    "facilitators",
    "attendees",
    "make_up",
    "languages",
    "notes",
    "consent_recorded",
    "consent_notes",
)


def _apply_focus_group(group: FocusGroup, fields: dict) -> None:
    unknown = set(fields) - set(FOCUS_GROUP_FIELDS)
    if unknown:
        raise TypeError(f"Not focus group fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(group, name, value.strip() if isinstance(value, str) else value)
    if group.asset_id and group.asset.organisation_id != group.project.organisation_id:
        raise ValidationError({"asset": "Choose an asset from your organisation's directory."})
    if group.attendees is None or group.attendees < 1:
        raise ValidationError({"attendees": "Enter the number of people who came, 1 or more."})
    if not group.community_group and group.asset_id:
        group.community_group = group.asset.name
    group.make_up = clean_make_up(group.make_up, group.attendees)
    group.full_clean(exclude=["project", "created_by", "themes"])


@transaction.atomic
def focus_group_create(*, by, project, theme_names: Iterable[str] = (), **fields) -> FocusGroup:
    """Record a focus group or community conversation, tagged with `theme_names`."""
    group = FocusGroup(project=project, created_by=by)
    _apply_focus_group(group, fields)
    group.save()
    themes.themes_set(by=by, project=project, target=group, names=list(theme_names))
    return group


@transaction.atomic
def focus_group_update(*, by, focus_group: FocusGroup, theme_names: Iterable[str] | None = None, **fields):
    """Change a focus group; its themes become `theme_names` unless that is None."""
    _apply_focus_group(focus_group, fields)
    focus_group.save()
    if theme_names is not None:
        themes.themes_set(by=by, project=focus_group.project, target=focus_group, names=list(theme_names))
    return focus_group


@transaction.atomic
def focus_group_delete(*, by, focus_group: FocusGroup) -> None:
    audit.record_deletion(by=by, instance=focus_group)
    focus_group.delete()


# --- Community input -------------------------------------------------------------------

INPUT_FIELDS = ("organisation_name", "represents", "input", "contact")


def _input_fields(fields: dict) -> dict:
    unknown = set(fields) - set(INPUT_FIELDS)
    if unknown:
        raise TypeError(f"Not community input fields: {', '.join(sorted(unknown))}")
    return {name: (value or "").strip() for name, value in fields.items()}


def _check_input(item: CommunityInput) -> None:
    if not item.organisation_name:
        raise ValidationError({"organisation_name": "Enter the name of the organisation or group."})
    if not item.input:
        raise ValidationError({"input": "Enter what they told you."})
    item.full_clean(exclude=["project", "entered_by", "themes"])


@transaction.atomic
def community_input_submit(*, link: CommunityInputLink, language: str, **fields) -> CommunityInput:
    """Input sent by a community group through the public link: anonymous (no
    user, IP address or device is kept), dated today, in `language`."""
    if not link.is_open:
        raise ValidationError("This link is closed.")
    item = CommunityInput(project=link.project, language=(language or "en-gb")[:10], **_input_fields(fields))
    _check_input(item)
    item.save()
    return item


@transaction.atomic
def community_input_enter(
    *, by, project, submitted_on=None, theme_names: Iterable[str] = (), language: str = "en-gb", **fields
) -> CommunityInput:
    """Input received by email, letter or in person, typed in by staff (`entered_by`)."""
    item = CommunityInput(
        project=project,
        entered_by=by,
        language=language,
        submitted_on=submitted_on or timezone.localdate(),
        **_input_fields(fields),
    )
    if item.submitted_on > timezone.localdate():
        raise ValidationError({"submitted_on": "The date received must be today or in the past."})
    _check_input(item)
    item.save()
    themes.themes_set(by=by, project=project, target=item, names=list(theme_names))
    return item


@transaction.atomic
def community_input_tag(*, by, community_input: CommunityInput, theme_names: Iterable[str]):
    """Code a piece of community input with exactly these themes."""
    return themes.themes_set(by=by, project=community_input.project, target=community_input, names=list(theme_names))


@transaction.atomic
def community_input_delete(*, by, community_input: CommunityInput) -> None:
    audit.record_deletion(by=by, instance=community_input)
    community_input.delete()


@transaction.atomic
def input_link_create(*, by, project, prompt: str = "") -> CommunityInputLink:
    """The project's public community input link (the existing one if there is one)."""
    link, _created = CommunityInputLink.objects.get_or_create(project=project, defaults={"prompt": prompt.strip()})
    return link


@transaction.atomic
def input_link_update(*, by, link: CommunityInputLink, is_open: bool | None = None, prompt: str | None = None):
    """Open or close the link, or change what it asks community groups."""
    if is_open is not None:
        link.is_open = is_open
    if prompt is not None:
        link.prompt = prompt.strip()
    link.save()
    return link


@transaction.atomic
def input_link_new_token(*, by, link: CommunityInputLink) -> CommunityInputLink:
    """A new address for the link: the old one stops working."""
    link.token = secrets.token_urlsafe(24)
    link.save(update_fields=["token"])
    return link


# --- Community assets --------------------------------------------------------------------

ASSET_FIELDS = (
    "name",
    "kind",
    "description",
    "characteristics",
    "criteria",
    "populations_served",
    "languages",
    "accessibility",
    "postcode",
    "area",
    "contact_name",
    "email",
    "phone",
    "website",
    "referral_route",
)
# Code lists an asset's criteria (the groups it serves) may use.
CRITERIA_CODE_LISTS = (
    ("ons_ethnicity_2021", "Ethnic group"),
    ("sex_2021", "Sex"),
    ("age_band_mh", "Age"),
    ("religion_2021", "Religion"),
    ("sexual_orientation", "Sexual orientation"),
)
CRITERIA_KEYS = dict(CRITERIA_CODE_LISTS)
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?(?: [0-9][A-Z]{2})?$")


def normalise_postcode(value: str) -> str:
    """'ls73hb' and 'LS7  3HB' give 'LS7 3HB'; an outward code alone ('LS7') stays as it is."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if len(compact) >= 5 and compact[-3].isdigit():
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


def valid_postcode(value: str) -> bool:
    return not value or bool(_POSTCODE.match(value))


def asset_key(name: str, postcode: str) -> tuple[str, str]:
    """How an asset is matched (on import, and for duplicates): name whatever
    its letter case and spacing, and postcode."""
    return " ".join((name or "").split()).casefold(), normalise_postcode(postcode)


def clean_characteristics(keys: Iterable[str]) -> list[str]:
    keys = list(dict.fromkeys(keys or []))
    unknown = [key for key in keys if key not in taxonomy.CHARACTERISTICS]
    if unknown:
        raise ValidationError({"characteristics": f"Not characteristics: {', '.join(unknown)}."})
    return [key for key in taxonomy.CHARACTERISTICS if key in keys]


def clean_criteria(criteria: Iterable[Mapping]) -> list[dict]:
    cleaned = []
    for item in criteria or []:
        key, codes = item.get("code_list"), list(dict.fromkeys(item.get("codes") or []))
        if key not in CRITERIA_KEYS:
            raise ValidationError({"criteria": f"'{key}' is not a code list assets can be described by."})
        code_list = taxonomy.code_list(key)
        wrong = [code for code in codes if code not in code_list]
        if wrong:
            raise ValidationError({"criteria": f"Not codes in {key}: {', '.join(wrong)}."})
        if codes:
            cleaned.append({"code_list": key, "codes": [c.code for c in code_list if c.code in codes]})
    return cleaned


def _apply_asset(asset: CommunityAsset, fields: dict, *, check_duplicates: bool = True) -> None:
    unknown = set(fields) - set(ASSET_FIELDS)
    if unknown:
        raise TypeError(f"Not community asset fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(asset, name, value.strip() if isinstance(value, str) else value)
    asset.name = " ".join(asset.name.split())
    asset.postcode = normalise_postcode(asset.postcode)
    if not valid_postcode(asset.postcode):
        raise ValidationError({"postcode": "Enter a real postcode, like LS7 3HB, or just its first part, like LS7."})
    asset.characteristics = clean_characteristics(asset.characteristics)
    asset.criteria = clean_criteria(asset.criteria)
    if check_duplicates:
        same = CommunityAsset.objects.filter(organisation_id=asset.organisation_id).exclude(pk=asset.pk)
        key = asset_key(asset.name, asset.postcode)
        for other_name, other_postcode in same.values_list("name", "postcode"):
            if asset_key(other_name, other_postcode) == key:
                where = f"at {asset.postcode}" if asset.postcode else "with no postcode"
                raise ValidationError({"name": f"Your directory already has '{other_name}' {where}."})
    asset.full_clean(exclude=["organisation"], validate_constraints=False)


@transaction.atomic
def asset_create(*, by, organisation, **fields) -> CommunityAsset:
    """Add an organisation, group, service or place to the organisation's directory."""
    asset = CommunityAsset(organisation=organisation)
    _apply_asset(asset, fields)
    asset.save()
    return asset


@transaction.atomic
def asset_update(*, by, asset: CommunityAsset, **fields) -> CommunityAsset:
    _apply_asset(asset, fields)
    asset.save()
    return asset


@transaction.atomic
def asset_delete(*, by, asset: CommunityAsset) -> None:
    """Remove an asset from the directory. Focus groups that named it keep its
    name as their community group."""
    audit.record_deletion(by=by, instance=asset)
    FocusGroup.objects.filter(asset=asset, community_group="").update(community_group=asset.name[:200])
    asset.delete()


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int


def _comparable(asset: CommunityAsset) -> dict:
    """An asset's fields, with its lists in the order they are saved in, so a
    row that only lists the same things in another order changes nothing."""
    values = {name: getattr(asset, name) for name in ASSET_FIELDS}
    try:
        values["characteristics"] = clean_characteristics(values["characteristics"])
        values["criteria"] = clean_criteria(values["criteria"])
    except ValidationError:
        pass  # saved before these checks: it will be updated
    return values


@transaction.atomic
def assets_import(*, by, organisation, rows: Iterable[tuple[int, dict]]) -> ImportReport:
    """Create or update assets from checked rows (assets_csv.read_csv): each
    row is (its row number in the file, its fields), the fields being `name`
    and whatever other columns the file had. An asset with the same
    name and postcode (asset_key) is updated, leaving the columns the file did
    not have as they were; others are created. All or nothing: any problem
    raises ValidationError and nothing is saved."""
    existing: dict[tuple[str, str], CommunityAsset] = {}
    for asset in CommunityAsset.objects.filter(organisation=organisation):
        existing.setdefault(asset_key(asset.name, asset.postcode), asset)
    created = updated = unchanged = 0
    for number, fields in rows:
        key = asset_key(fields["name"], fields.get("postcode", ""))
        asset = existing.get(key)
        if asset is None:
            asset = CommunityAsset(organisation=organisation)
            before = None
        else:
            before = _comparable(asset)
        try:
            # Names and postcodes were matched above, and are unique within the file.
            _apply_asset(asset, fields, check_duplicates=False)
        except ValidationError as exc:
            raise ValidationError(f"Row {number}: {' '.join(exc.messages)}") from exc
        if before is not None and before == _comparable(asset):
            unchanged += 1
            continue
        asset.save()
        existing[key] = asset
        if before is None:
            created += 1
        else:
            updated += 1
    audit.record(
        action=audit.UPLOAD,
        user=by,
        organisation=organisation,
        object_kind="communityasset",
        detail=f"asset directory CSV: {created} created, {updated} updated, {unchanged} unchanged",
    )
    return ImportReport(created=created, updated=updated, unchanged=unchanged)
