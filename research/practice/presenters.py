"""Case studies as pages show them: labels, sharing tags and sizes, so
templates compare no states themselves."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat

from amhe.core import taxonomy
from research.models import CaseStudy, CaseStudyAttachment
from research.practice import interventions

_SHARING_TAGS = {
    CaseStudy.Sharing.PRIVATE: "nhsuk-tag--grey",
    CaseStudy.Sharing.SUBMITTED: "nhsuk-tag--yellow",
    CaseStudy.Sharing.SHARED: "nhsuk-tag--green",
    CaseStudy.Sharing.DECLINED: "nhsuk-tag--red",
}


@dataclass(frozen=True)
class Tag:
    text: str
    tag_class: str


def sharing_tag(case_study: CaseStudy) -> Tag:
    return Tag(case_study.get_sharing_display(), _SHARING_TAGS[case_study.sharing])


def characteristic_labels(keys) -> list[str]:
    return [taxonomy.CHARACTERISTICS[key].label for key in keys if key in taxonomy.CHARACTERISTICS]


@dataclass(frozen=True)
class Row:
    case_study: CaseStudy
    characteristics: list[str]
    intervention: str
    setting: str
    sharing: Tag


def row(case_study: CaseStudy) -> Row:
    return Row(
        case_study=case_study,
        characteristics=characteristic_labels(case_study.characteristics),
        intervention=interventions.label(case_study.intervention_type),
        setting=case_study.get_setting_display(),
        sharing=sharing_tag(case_study),
    )


def rows(case_studies) -> list[Row]:
    return [row(case_study) for case_study in case_studies]


@dataclass(frozen=True)
class AttachmentRow:
    attachment: CaseStudyAttachment
    url: str
    kind: str
    size: str


def attachment_rows(items, url_for) -> list[AttachmentRow]:
    return [
        AttachmentRow(attachment=item, url=url_for(item), kind=item.get_kind_display(), size=filesizeformat(item.size))
        for item in items
    ]


@dataclass(frozen=True)
class SharingState:
    """What the case study page says about sharing, and which buttons it offers."""

    tag: Tag
    sentence: str
    can_submit: bool
    can_withdraw: bool
    can_review: bool


def sharing_state(case_study: CaseStudy, *, may_record: bool, may_review: bool) -> SharingState:
    states = CaseStudy.Sharing
    sentences = {
        states.PRIVATE: "Only the members of this project can read it.",
        states.SUBMITTED: "Submitted for sharing: a reviewer from your organisation will approve or decline it. "
        "Until then only the members of this project can read it.",
        states.SHARED: "Every signed-in user of every organisation can find and read it and its attachments in "
        "Shared positive practice. Nothing else of this project is shared.",
        states.DECLINED: "A reviewer did not approve sharing it. Only the members of this project can read it.",
    }
    return SharingState(
        tag=sharing_tag(case_study),
        sentence=sentences[case_study.sharing],
        can_submit=may_record and case_study.sharing in (states.PRIVATE, states.DECLINED),
        can_withdraw=may_record and case_study.sharing in (states.SUBMITTED, states.SHARED),
        can_review=may_review and case_study.sharing == states.SUBMITTED,
    )
