"""The standard equality-monitoring questions a survey can include,
in whatever sub-step the survey serves.

Wording follows the ONS Census 2021 questions for England and the GSS
harmonised standards (ethnic group, sex, gender identity, sexual
orientation, religion, long-lasting health conditions and disability,
unpaid care); age is asked in bands rather than as a date of birth. Every
question is optional and offers "Prefer not to say".

Answers are stored as codes of the characteristic taxonomy
(amhe.core.taxonomy), so survey results are broken down by the same engine
and the same code lists as uploaded service data (amhe.analysis.breakdown).

Sources:
- ONS, Census 2021 questionnaire for England (household questionnaire, questions
  on sex, ethnic group, religion, unpaid care, health, gender identity, sexual
  orientation): https://www.ons.gov.uk/census/censustransformationprogramme/questiondevelopment
- GSS harmonised standards: https://analysisfunction.civilservice.gov.uk/policy-store/
  (Ethnicity; Sex and gender; Sexual orientation; Religion; Long-lasting health
  conditions and illnesses, impairments and disability; Unpaid care).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from amhe.core import taxonomy

PREFER_NOT = "prefer_not"


@dataclass(frozen=True)
class EqualityQuestion:
    key: str
    text: str
    hint: str
    easy_read: str
    options: tuple[tuple[str, str], ...]  # (value, label); values are taxonomy codes
    show_if: tuple[str, tuple[str, ...]] | None = None  # (key of an earlier question, values)

    def option_list(self) -> list[dict]:
        """Options in the form Question.options stores, with 'Prefer not to say' last."""
        options = [{"value": value, "label": str(label)} for value, label in self.options]
        options.append({"value": PREFER_NOT, "label": str(_("Prefer not to say")), "exclusive": True})
        return options


def _ethnic_detail(group: str, text, options) -> EqualityQuestion:
    return EqualityQuestion(
        key=f"ethnicity_{group.lower()}",
        text=text,
        hint=_("Choose the one that fits best."),
        easy_read=_("Which of these describes you best?"),
        options=options,
        show_if=("ethnic_group", (group,)),
    )


QUESTIONS: tuple[EqualityQuestion, ...] = (
    EqualityQuestion(
        "age",
        _("What is your age?"),
        "",
        _("How old are you?"),
        (
            ("0-17", _("Under 18")),
            ("18-24", _("18 to 24")),
            ("25-34", _("25 to 34")),
            ("35-44", _("35 to 44")),
            ("45-54", _("45 to 54")),
            ("55-64", _("55 to 64")),
            ("65+", _("65 or over")),
        ),
    ),
    EqualityQuestion(
        "sex",
        _("What is your sex?"),
        _("A question about gender identity will follow."),
        _("Are you female or male?"),
        (("F", pgettext_lazy("sex", "Female")), ("M", pgettext_lazy("sex", "Male"))),
    ),
    EqualityQuestion(
        "gender_same",
        _("Is the gender you identify with the same as your sex registered at birth?"),
        "",
        _("Is your gender the same as the sex you were given when you were born?"),
        (("Y", _("Yes")), ("N", _("No"))),
    ),
    EqualityQuestion(
        "ethnic_group",
        _("What is your ethnic group?"),
        _("Choose the group that best describes you. The next question asks about your background."),
        _("Which group are you part of?"),
        (
            ("WHITE", _("White")),
            ("MIXED", _("Mixed or Multiple ethnic groups")),
            ("ASIAN", _("Asian, Asian British or Asian Welsh")),
            ("BLACK", _("Black, Black British, Black Welsh, Caribbean or African")),
            ("OTHER", _("Other ethnic group")),
        ),
    ),
    _ethnic_detail(
        "WHITE",
        _("Which of the following best describes your White background?"),
        (
            ("WHITE_BRITISH", _("English, Welsh, Scottish, Northern Irish or British")),
            ("WHITE_IRISH", _("Irish")),
            ("WHITE_GYPSY_IRISH_TRAVELLER", _("Gypsy or Irish Traveller")),
            ("WHITE_ROMA", _("Roma")),
            ("WHITE_OTHER", _("Any other White background")),
        ),
    ),
    _ethnic_detail(
        "MIXED",
        _("Which of the following best describes your Mixed or Multiple ethnic groups background?"),
        (
            ("MIXED_WHITE_BLACK_CARIBBEAN", _("White and Black Caribbean")),
            ("MIXED_WHITE_BLACK_AFRICAN", _("White and Black African")),
            ("MIXED_WHITE_ASIAN", _("White and Asian")),
            ("MIXED_OTHER", _("Any other Mixed or Multiple ethnic background")),
        ),
    ),
    _ethnic_detail(
        "ASIAN",
        _("Which of the following best describes your Asian, Asian British or Asian Welsh background?"),
        (
            ("ASIAN_INDIAN", _("Indian")),
            ("ASIAN_PAKISTANI", _("Pakistani")),
            ("ASIAN_BANGLADESHI", _("Bangladeshi")),
            ("ASIAN_CHINESE", _("Chinese")),
            ("ASIAN_OTHER", _("Any other Asian background")),
        ),
    ),
    _ethnic_detail(
        "BLACK",
        _(
            "Which of the following best describes your Black, Black British, Black Welsh, Caribbean "
            "or African background?"
        ),
        (
            ("BLACK_CARIBBEAN", _("Caribbean")),
            ("BLACK_AFRICAN", _("African")),
            ("BLACK_OTHER", _("Any other Black, Black British or Caribbean background")),
        ),
    ),
    _ethnic_detail(
        "OTHER",
        _("Which of the following best describes your background?"),
        (
            ("OTHER_ARAB", _("Arab")),
            ("OTHER_ANY_OTHER", _("Any other ethnic group")),
        ),
    ),
    EqualityQuestion(
        "sexual_orientation",
        _("Which of the following best describes your sexual orientation?"),
        "",
        _("Who are you attracted to?"),
        (
            ("1", _("Straight or heterosexual")),
            ("2", _("Gay or lesbian")),
            ("3", _("Bisexual")),
            ("4", _("Other sexual orientation")),
        ),
    ),
    EqualityQuestion(
        "religion",
        _("What is your religion?"),
        "",
        _("What is your religion, if you have one?"),
        (
            ("NO_RELIGION", _("No religion")),
            (
                "CHRISTIAN",
                _(
                    "Christian (including Church of England, Catholic, Protestant and all other "
                    "Christian denominations)"
                ),
            ),
            ("BUDDHIST", _("Buddhist")),
            ("HINDU", _("Hindu")),
            ("JEWISH", _("Jewish")),
            ("MUSLIM", _("Muslim")),
            ("SIKH", _("Sikh")),
            ("OTHER_RELIGION", _("Any other religion")),
        ),
    ),
    EqualityQuestion(
        "health_condition",
        _(
            "Do you have any physical or mental health conditions or illnesses lasting or expected "
            "to last 12 months or more?"
        ),
        "",
        _("Do you have a health condition or illness that has lasted, or will last, a year or more?"),
        (("Y", _("Yes")), ("N", _("No"))),
    ),
    EqualityQuestion(
        "day_to_day",
        _("Do any of your conditions or illnesses reduce your ability to carry out day-to-day activities?"),
        "",
        _("Does it make everyday things harder for you?"),
        (("LOT", _("Yes, a lot")), ("LITTLE", _("Yes, a little")), ("NOT_AT_ALL", _("Not at all"))),
        show_if=("health_condition", ("Y",)),
    ),
    EqualityQuestion(
        "carer",
        _(
            "Do you look after, or give any help or support to, anyone because they have long-term physical or "
            "mental health conditions or illnesses, or problems related to old age?"
        ),
        _("Do not count anything you do as part of your paid employment."),
        _("Do you care for someone who is ill, disabled or older, without being paid?"),
        (
            ("N", _("No")),
            ("Y_UP_TO_19", _("Yes, 19 hours a week or less")),
            ("Y_20_TO_49", _("Yes, 20 to 49 hours a week")),
            ("Y_50_PLUS", _("Yes, 50 or more hours a week")),
        ),
    ),
)
BY_KEY = {q.key: q for q in QUESTIONS}


def _coded(code: str | None, code_list: str) -> tuple[str | None, str]:
    """(code, taxonomy kind) for one answer; 'Prefer not to say' is not stated, no answer is blank."""
    if code is None or code == "":
        return None, "blank"
    if code == PREFER_NOT:
        return None, taxonomy.NOT_STATED
    category = taxonomy.code_list(code_list).get(code)
    if category is None:
        return None, "invalid"
    return category.code, category.kind


def frame_columns(answers: dict[str, str | None]) -> dict[str, str | None]:
    """One respondent's equality answers (question key -> value) as breakdown
    columns: `<column>` holds the taxonomy code and `<column>__kind` its kind."""
    row: dict[str, str | None] = {}

    def put(column: str, code: str | None, code_list: str) -> None:
        row[column], row[f"{column}__kind"] = _coded(code, code_list)

    put("age_band", answers.get("age"), "age_band_mh")
    put("sex", answers.get("sex"), "sex_2021")
    put("gender_same", answers.get("gender_same"), "gender_same_at_birth")
    sexual = answers.get("sexual_orientation")
    put("sexual_orientation", "Z" if sexual == PREFER_NOT else sexual, "sexual_orientation")
    religion = answers.get("religion")
    put("religion", "NOT_ANSWERED" if religion == PREFER_NOT else religion, "religion_2021")

    group = answers.get("ethnic_group")
    if group == PREFER_NOT:
        row["ethnicity_high"], row["ethnicity_high__kind"] = None, taxonomy.NOT_STATED
        row["ethnicity"], row["ethnicity__kind"] = None, taxonomy.NOT_STATED
    else:
        detail = answers.get(f"ethnicity_{group.lower()}") if group else None
        put("ethnicity", detail, "ons_ethnicity_2021")
        if group and taxonomy.code_list("ons_ethnicity_2021").get_group(group) is not None:
            row["ethnicity_high"], row["ethnicity_high__kind"] = group, taxonomy.VALID
        else:
            put("ethnicity_high", None, "ons_ethnicity_2021")

    condition, day_to_day = answers.get("health_condition"), answers.get("day_to_day")
    if condition == PREFER_NOT or day_to_day == PREFER_NOT:
        disability = PREFER_NOT
    elif condition == "N" or day_to_day == "NOT_AT_ALL":
        disability = "N"
    elif condition == "Y" and day_to_day in ("LOT", "LITTLE"):
        disability = "Y"
    else:
        disability = None  # not answered, or the follow-up was skipped
    put("disability", disability, "disability")

    carer = answers.get("carer")
    put("carer", carer if carer in (None, "", PREFER_NOT, "N") else "Y", "yes_no_unknown")
    return row
