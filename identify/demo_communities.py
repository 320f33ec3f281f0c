"""Demo data for Identify 1B (work with communities): a published survey in
English, Polish and Urdu with the equality questions and synthetic answers,
two focus groups, community input and a small directory of community assets.

Everything here is invented for the demo (names, places, answers); the
answers are drawn at random with a fixed seed, with worse experiences for
some ethnic groups so that the breakdown pages have something to show.

Demo data goes through the same services and rules as people's: the survey
is built, translated and published by the builder's services (publishing
refuses an unfinished translation), and each response is started, answered
and sent through amhe.surveys.responding (paper ones through staff entry);
focus groups, community input (sent through the project's public link) and
assets go through identify.community.services.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from amhe.core import services as core_services
from amhe.core.models import Role
from amhe.surveys import building, equality, responding, themes
from amhe.surveys import figures as survey_figures
from amhe.surveys.models import Answer, Question, Survey, SurveyResponse
from identify.community import services as community
from identify.models import CommunityAsset

SURVEY_TITLE = "Getting help in a mental health crisis"
RESPONSES = 240
LIKERT = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
LIKERT_OPTIONS = [{"value": str(i), "label": label} for i, label in enumerate(LIKERT, start=1)]

SURVEY_TEXT = {
    "introduction": (
        "Leeds health and care services want to understand who finds it hard to get help in a mental "
        "health crisis, and why. This survey takes about 5 minutes. You do not have to give your name."
    ),
    "privacy_notice": (
        "Your answers are anonymous: we do not record your name, address, IP address or device. Only the "
        "project team sees individual answers; everything we publish is grouped, and small numbers are "
        "hidden. We keep the answers for two years. Questions: engagement@wy-icb.example."
    ),
    "consent_text": "I understand that taking part is up to me and that I can stop at any time.",
    "confirmation_text": (
        "Thank you. We will share what we learned at community events and on our website in spring 2027, "
        "and use it to decide what to change first."
    ),
}
TRANSLATIONS = {
    "pl": {
        "title": "Uzyskanie pomocy w kryzysie psychicznym",
        "introduction": (
            "Służby zdrowia i opieki w Leeds chcą zrozumieć, komu trudno jest uzyskać pomoc w kryzysie "
            "psychicznym i dlaczego. Ankieta zajmuje około 5 minut. Nie musisz podawać swojego imienia."
        ),
        "privacy_notice": (
            "Twoje odpowiedzi są anonimowe: nie zapisujemy imienia, adresu, adresu IP ani urządzenia. "
            "Pojedyncze odpowiedzi widzi tylko zespół projektu; publikujemy wyłącznie dane zbiorcze, a małe "
            "liczby są ukrywane. Przechowujemy odpowiedzi przez dwa lata. Pytania: engagement@wy-icb.example."
        ),
        "consent_text": "Rozumiem, że udział jest dobrowolny i że mogę przerwać w dowolnym momencie.",
        "confirmation_text": (
            "Dziękujemy. Wiosną 2027 r. podzielimy się tym, czego się dowiedzieliśmy, na spotkaniach "
            "społeczności i na naszej stronie internetowej, i wykorzystamy to, aby zdecydować, co zmienić najpierw."
        ),
    },
    "ur": {
        "title": "ذہنی صحت کے بحران میں مدد حاصل کرنا",
        "introduction": (
            "لیڈز کی صحت اور نگہداشت کی سروسز یہ سمجھنا چاہتی ہیں کہ ذہنی صحت کے بحران میں کن لوگوں کو مدد "
            "حاصل کرنے میں مشکل ہوتی ہے، اور کیوں۔ اس سروے میں تقریباً 5 منٹ لگتے ہیں۔ آپ کو اپنا نام بتانے "
            "کی ضرورت نہیں۔"
        ),
        "privacy_notice": (
            "آپ کے جوابات گمنام ہیں: ہم آپ کا نام، پتہ، آئی پی ایڈریس یا ڈیوائس محفوظ نہیں کرتے۔ انفرادی "
            "جوابات صرف پروجیکٹ ٹیم دیکھتی ہے؛ ہم صرف گروپ کی صورت میں نتائج شائع کرتے ہیں اور چھوٹی تعداد "
            "چھپا دی جاتی ہے۔ ہم جوابات دو سال تک رکھتے ہیں۔ سوالات: engagement@wy-icb.example"
        ),
        "consent_text": "میں سمجھتا/سمجھتی ہوں کہ حصہ لینا میری مرضی ہے اور میں کسی بھی وقت رک سکتا/سکتی ہوں۔",
        "confirmation_text": (
            "شکریہ۔ ہم 2027 کے موسمِ بہار میں کمیونٹی تقریبات اور اپنی ویب سائٹ پر بتائیں گے کہ ہم نے کیا "
            "سیکھا، اور اسی کی بنیاد پر طے کریں گے کہ سب سے پہلے کیا بدلنا ہے۔"
        ),
    },
}

# (kind, text, hint, easy read, options, required, {language: {field: text, "options": {...}}})
QUESTIONS = [
    (
        "single",
        "Have you, or someone you care for, needed urgent help with mental health in the last two years?",
        "",
        "Have you or someone you look after needed help quickly with mental health in the last 2 years?",
        [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}, {"value": "unsure", "label": "Not sure"}],
        True,
        {
            "pl": {
                "text": "Czy Ty lub osoba, którą się opiekujesz, potrzebowaliście pilnej pomocy w zakresie "
                "zdrowia psychicznego w ciągu ostatnich dwóch lat?",
                "easy_read": "Czy Ty lub ktoś, kim się opiekujesz, potrzebował szybkiej pomocy w ciągu 2 lat?",
                "options": {"yes": "Tak", "no": "Nie", "unsure": "Nie wiem"},
            },
            "ur": {
                "text": "کیا پچھلے دو سالوں میں آپ کو، یا جس کی آپ دیکھ بھال کرتے ہیں، ذہنی صحت کے لیے فوری "
                "مدد کی ضرورت پڑی؟",
                "easy_read": "کیا پچھلے 2 سال میں آپ کو یا آپ کے کسی پیارے کو جلدی مدد چاہیے تھی؟",
                "options": {"yes": "ہاں", "no": "نہیں", "unsure": "یقین نہیں"},
            },
        },
    ),
    (
        "multiple",
        "Where did you go for help?",
        "Select all that apply.",
        "Who did you ask for help?",
        [
            {"value": "gp", "label": "GP"},
            {"value": "111", "label": "NHS 111 (option 2 for mental health)"},
            {"value": "crisis", "label": "Crisis team"},
            {"value": "ae", "label": "A&E"},
            {"value": "police", "label": "Police"},
            {"value": "community", "label": "A community or faith group"},
            {"value": "none", "label": "None of these", "exclusive": True},
        ],
        False,
        {
            "pl": {
                "text": "Gdzie szukałeś/szukałaś pomocy?",
                "hint": "Zaznacz wszystkie pasujące odpowiedzi.",
                "easy_read": "Kogo poprosiłeś/poprosiłaś o pomoc?",
                "options": {
                    "gp": "Lekarz rodzinny (GP)",
                    "111": "NHS 111 (opcja 2 – zdrowie psychiczne)",
                    "crisis": "Zespół kryzysowy",
                    "ae": "Szpitalny oddział ratunkowy (A&E)",
                    "police": "Policja",
                    "community": "Grupa społeczna lub religijna",
                    "none": "Żadne z powyższych",
                },
            },
            "ur": {
                "text": "آپ مدد کے لیے کہاں گئے؟",
                "hint": "جو بھی لاگو ہوں، سب منتخب کریں۔",
                "easy_read": "آپ نے کس سے مدد مانگی؟",
                "options": {
                    "gp": "جی پی (ڈاکٹر)",
                    "111": "این ایچ ایس 111 (ذہنی صحت کے لیے آپشن 2)",
                    "crisis": "کرائسس ٹیم",
                    "ae": "اے اینڈ ای (ایمرجنسی)",
                    "police": "پولیس",
                    "community": "کوئی کمیونٹی یا مذہبی گروپ",
                    "none": "ان میں سے کوئی نہیں",
                },
            },
        },
    ),
    (
        "likert",
        "I was treated with dignity and respect.",
        "",
        "People were kind to me and listened.",
        LIKERT_OPTIONS,
        False,
        {
            "pl": {"text": "Traktowano mnie z godnością i szacunkiem.", "easy_read": "Ludzie byli dla mnie mili."},
            "ur": {"text": "میرے ساتھ عزت اور وقار سے پیش آیا گیا۔", "easy_read": "لوگ میرے ساتھ مہربان تھے۔"},
        },
    ),
    (
        "likert",
        "Staff understood my culture, faith and background.",
        "",
        "Staff understood my life and what matters to me.",
        LIKERT_OPTIONS,
        False,
        {
            "pl": {
                "text": "Personel rozumiał moją kulturę, wiarę i pochodzenie.",
                "easy_read": "Personel rozumiał moje życie.",
            },
            "ur": {
                "text": "عملے نے میری ثقافت، عقیدے اور پس منظر کو سمجھا۔",
                "easy_read": "عملے نے میری زندگی کو سمجھا۔",
            },
        },
    ),
    (
        "rating",
        "How likely would you be to ask crisis services for help again?",
        "",
        "Would you ask for help again?",
        [{"value": str(i), "label": str(i)} for i in range(11)],
        False,
        {
            "pl": {
                "text": "Jak bardzo prawdopodobne jest, że ponownie poprosisz służby kryzysowe o pomoc?",
                "easy_read": "Czy poprosisz o pomoc jeszcze raz?",
                "min_label": "Wcale",
                "max_label": "Na pewno",
            },
            "ur": {
                "text": "آپ دوبارہ کرائسس سروسز سے مدد مانگنے کا کتنا امکان رکھتے ہیں؟",
                "easy_read": "کیا آپ دوبارہ مدد مانگیں گے؟",
                "min_label": "بالکل نہیں",
                "max_label": "ضرور",
            },
        },
    ),
    (
        "long_text",
        "What would have made it easier to get help?",
        "Please do not include names or anything that could identify you or someone else.",
        "What would have helped you?",
        [],
        False,
        {
            "pl": {
                "text": "Co ułatwiłoby uzyskanie pomocy?",
                "hint": "Nie podawaj imion ani niczego, co mogłoby zidentyfikować Ciebie lub inną osobę.",
                "easy_read": "Co by Ci pomogło?",
            },
            "ur": {
                "text": "مدد حاصل کرنا کس چیز سے آسان ہو جاتا؟",
                "hint": "براہِ کرم نام یا کوئی ایسی بات نہ لکھیں جس سے آپ یا کسی اور کی شناخت ہو سکے۔",
                "easy_read": "کس چیز سے آپ کو مدد ملتی؟",
            },
        },
    ),
]

FREE_TEXT = [
    ("Someone who spoke my language on the phone.", ["Language and interpreting"]),
    ("Not having to wait four hours in A&E with nowhere quiet to sit.", ["Waiting times", "Crisis environment"]),
    ("Being believed the first time I asked.", ["Being listened to"]),
    ("Knowing the number to call before things got that bad.", ["Knowing where to go"]),
    ("The police came instead of a nurse and it made everything worse.", ["Police involvement"]),
    ("Staff who understood why I would not want my family told.", ["Cultural understanding"]),
    ("A place in the community I could walk into, not a hospital.", ["Community alternatives"]),
    ("An interpreter who was not a relative.", ["Language and interpreting"]),
    ("Less waiting for a call back from the crisis team.", ["Waiting times"]),
    ("Someone from my own community on the team.", ["Cultural understanding", "Community alternatives"]),
    ("Being asked what I needed instead of being told.", ["Being listened to"]),
    ("Information in Urdu at the GP surgery.", ["Language and interpreting", "Knowing where to go"]),
]
ETHNIC_GROUPS = [("WHITE", 0.70), ("ASIAN", 0.13), ("BLACK", 0.07), ("MIXED", 0.04), ("OTHER", 0.03)]
# Worse reported experience (lower Likert scores) for these groups in the synthetic answers.
SHIFT = {"WHITE": 0.0, "ASIAN": -0.7, "BLACK": -1.1, "MIXED": -0.5, "OTHER": -0.5}


def _pick(rng: random.Random, weighted):
    r, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if r < total:
            return value
    return weighted[-1][0]


def _equality_answers(rng: random.Random) -> dict[str, str]:
    """Plausible answers to the standard equality questions, some left blank or 'prefer not'."""
    prefer = equality.PREFER_NOT
    group = _pick(rng, [*ETHNIC_GROUPS, (prefer, 0.03)])
    answers = {"ethnic_group": group}
    if group != prefer:
        detail = equality.BY_KEY[f"ethnicity_{group.lower()}"]
        answers[detail.key] = rng.choice([value for value, _ in detail.options])
    answers["age"] = _pick(
        rng, [("18-24", 0.16), ("25-34", 0.24), ("35-44", 0.2), ("45-54", 0.17), ("55-64", 0.13), ("65+", 0.1)]
    )
    answers["sex"] = _pick(rng, [("F", 0.55), ("M", 0.42), (prefer, 0.03)])
    answers["gender_same"] = _pick(rng, [("Y", 0.94), ("N", 0.02), (prefer, 0.04)])
    answers["sexual_orientation"] = _pick(rng, [("1", 0.82), ("2", 0.05), ("3", 0.04), ("4", 0.01), (prefer, 0.08)])
    answers["religion"] = {
        "ASIAN": _pick(rng, [("MUSLIM", 0.6), ("HINDU", 0.12), ("SIKH", 0.12), ("NO_RELIGION", 0.1), (prefer, 0.06)]),
    }.get(group, _pick(rng, [("NO_RELIGION", 0.5), ("CHRISTIAN", 0.42), ("OTHER_RELIGION", 0.03), (prefer, 0.05)]))
    answers["health_condition"] = _pick(rng, [("Y", 0.45), ("N", 0.5), (prefer, 0.05)])
    if answers["health_condition"] == "Y":
        answers["day_to_day"] = _pick(rng, [("LOT", 0.35), ("LITTLE", 0.45), ("NOT_AT_ALL", 0.2)])
    answers["carer"] = _pick(rng, [("N", 0.8), ("Y_UP_TO_19", 0.12), ("Y_20_TO_49", 0.05), ("Y_50_PLUS", 0.03)])
    # Some people skip questions altogether.
    return {key: value for key, value in answers.items() if rng.random() > 0.04}


def _likert(rng: random.Random, group: str) -> str:
    score = round(min(5, max(1, rng.gauss(3.6 + SHIFT.get(group, -0.3), 1.0))))
    return str(score)


def _build_survey(*, project, lead) -> tuple[Survey, list[dict[str, str]]]:
    """The survey, built, translated and published through the builder's services
    (so it meets the same publishing rules as anyone's), and for each own question
    a map from the option values used in this module to the values it was given."""
    now = timezone.now()
    survey = building.survey_create(
        by=lead,
        project=project,
        title=SURVEY_TITLE,
        languages=["pl", "ur"],
        include_equality=True,
        opens_at=now - timedelta(days=30),
        closes_at=now + timedelta(days=60),
        **SURVEY_TEXT,
    )
    own: list[Question] = []
    values: list[dict[str, str]] = []
    for kind, text, hint, easy_read, options, required, _translations in QUESTIONS:
        rating = kind == "rating"
        show_if = [f"{own[0].pk}:{values[0][value]}" for value in ("yes", "unsure")] if len(own) == 1 else []
        question = building.question_add(
            by=lead,
            survey=survey,
            kind=kind,
            text=text,
            hint=hint,
            easy_read=easy_read,
            required=required,
            option_labels=[option["label"] for option in options] if kind in building.LIST_KINDS else (),
            exclusive_last=any(option.get("exclusive") for option in options),
            min_value=0 if rating else None,
            max_value=10 if rating else None,
            min_label="Not at all likely" if rating else "",
            max_label="Extremely likely" if rating else "",
            show_if=show_if,
        )
        own.append(question)
        values.append({mine["value"]: given["value"] for mine, given in zip(options, question.options, strict=True)})
    for language, survey_texts in TRANSLATIONS.items():
        question_texts = {}
        for question, mapping, (*_fields, translations) in zip(own, values, QUESTIONS, strict=True):
            texts = dict(translations[language])
            if "options" in texts:
                texts["options"] = {mapping[value]: label for value, label in texts["options"].items()}
            question_texts[question.pk] = texts
        building.survey_translate(
            by=lead, survey=survey, language=language, survey_texts=survey_texts, question_texts=question_texts
        )
    building.survey_publish(by=lead, survey=survey)  # refuses a survey with unfinished translations
    return survey, values


def _answer_survey(*, survey: Survey, values: list[dict[str, str]], project, lead, analyst) -> None:
    """Synthetic responses, sent through the same services as respondents' and staff's."""
    rng = random.Random(20261123)
    questions = responding.questions_of(survey)
    own = [q for q in questions if not q.equality_key]
    by_key = {q.equality_key: q for q in questions if q.equality_key}
    invitations = building.invitations_create(by=lead, survey=survey, count=30, batch="Lived-experience panel, autumn")
    coded = []
    today = timezone.localdate()
    for i in range(RESPONSES):
        channel = "invitation" if i < 20 else ("paper" if i < 34 else "open")
        language = "ur" if i % 17 == 3 else ("pl" if i % 23 == 5 else "en-gb")
        started, sent = rng.randint(0, 28), rng.randint(0, 3)
        equality_answers = _equality_answers(rng)
        group = equality_answers.get("ethnic_group", "")
        needed = _pick(rng, [("yes", 0.7), ("no", 0.2), ("unsure", 0.1)])
        answers = {own[0].pk: values[0][needed]}
        if needed != "no":
            places = rng.sample(["gp", "111", "crisis", "ae", "police", "community"], k=rng.randint(1, 3))
            if group in ("BLACK", "MIXED") and rng.random() < 0.35 and "police" not in places:
                places.append("police")
            answers[own[1].pk] = [values[1][place] for place in places]
        answers[own[2].pk] = _likert(rng, group)
        answers[own[3].pk] = _likert(rng, group)
        answers[own[4].pk] = str(min(10, max(0, round(rng.gauss(6.5 + 1.5 * SHIFT.get(group, -0.3), 2.0)))))
        free_text = None
        if rng.random() < 0.45:
            free_text = rng.choice(FREE_TEXT)
            answers[own[5].pk] = free_text[0]
        for key, value in equality_answers.items():
            answers[by_key[key].pk] = value
        if channel == "paper":
            response = responding.staff_enter(
                by=analyst, survey=survey, channel=channel, language=language, values=answers
            )
        else:
            link = responding.Link(survey, invitations[i] if channel == "invitation" else None)
            response = responding.start(link=link, language=language, easy_read=i % 29 == 0, consented=True)
            responding.save_page(response=response, questions=questions, values=answers)
            responding.submit(response=response, questions=questions)
        # The one thing set by hand: spread the days over the last four weeks, for the time line.
        SurveyResponse.objects.filter(pk=response.pk).update(
            started_on=today - timedelta(days=started), submitted_on=today - timedelta(days=min(started, sent))
        )
        if free_text and i % 3:
            coded.append((Answer.objects.get(response=response, question=own[5]), free_text[1]))
    for answer, names in coded:
        themes.themes_set(by=lead, project=project, target=answer, names=names)
    # The services above queued one job to work out the results (debounced); run it here
    # as the worker would, so the results pages have their figures straight away.
    job = survey_figures.figures_for(survey).job
    core_services.job_run(job_id=job.pk)


def _focus_groups_and_input(*, project, lead) -> None:
    groups = [
        {
            "title": "Crisis care conversation with the African Caribbean men's group",
            "held_on": date(2026, 9, 17),
            "community_group": "Chapeltown men's health group (demo)",
            "facilitators": "Desmond Clarke (lived-experience lead), Amara Okafor",
            "attendees": 14,
            "make_up": {"ethnicity_high": {"BLACK": 11, "MIXED": 3}, "sex": {"M": 14}},
            "languages": "English",
            "notes": (
                "Most had contact with police during a crisis and said it made things worse. Several did not "
                "know about NHS 111 option 2. People wanted someone from their community on the crisis team."
            ),
            "consent_recorded": True,
            "consent_notes": "Verbal consent for anonymous notes; no recording.",
            "themes": ["Police involvement", "Knowing where to go", "Cultural understanding"],
        },
        {
            "title": "Urdu-speaking women's coffee morning",
            "held_on": date(2026, 10, 8),
            "community_group": "Harehills women's centre (demo)",
            "facilitators": "Priya Shah, interpreter from the community",
            "attendees": 9,
            "make_up": {"ethnicity_high": {"ASIAN": 9}, "sex": {"F": 9}},
            "languages": "Urdu, English",
            "notes": (
                "Family members are often used as interpreters, so people do not say everything. Leaflets are "
                "in English only. People would go to the mosque or women's centre before the GP."
            ),
            "consent_recorded": True,
            "consent_notes": "Consent explained in Urdu; notes anonymised.",
            "themes": ["Language and interpreting", "Community alternatives"],
        },
    ]
    for spec in groups:
        names = spec.pop("themes")
        community.focus_group_create(by=lead, project=project, theme_names=names, **spec)
    link = community.input_link_create(
        by=lead,
        project=project,
        prompt="Tell us what makes it hard for the people you work with to get help in a crisis.",
    )
    inputs = [
        (
            "Leeds Refugee Support Network (demo)",
            "People seeking asylum and refugees",
            "People fear that contact with services will affect their immigration case. Clear information "
            "that health services do not share details with the Home Office would help.",
            ["Trust in services", "Knowing where to go"],
        ),
        (
            "Gipton and Seacroft carers' group (demo)",
            "Unpaid carers",
            "Carers are not told what is happening when the person they care for is in crisis, and are "
            "left waiting in A&E for hours.",
            ["Waiting times", "Being listened to"],
        ),
    ]
    for organisation_name, represents, text, names in inputs:
        # Sent through the public link, as community groups do, then coded by the lead.
        item = community.community_input_submit(
            link=link, language="en-gb", organisation_name=organisation_name, represents=represents, input=text
        )
        community.community_input_tag(by=lead, community_input=item, theme_names=names)


ASSETS = [
    (
        "Chapeltown men's health group (demo)",
        "group",
        "Weekly group for Black men's health and wellbeing.",
        ["race", "sex"],
        [{"code_list": "ons_ethnicity_2021", "codes": ["BLACK_AFRICAN", "BLACK_CARIBBEAN"]}],
        "Black African and Caribbean men",
        "English",
        "Step-free access",
        "LS7 3HB",
        "Chapeltown",
        "Self-referral: drop in on Tuesday evenings",
    ),
    (
        "Harehills women's centre (demo)",
        "organisation",
        "Advice, English classes and wellbeing groups for women.",
        ["race", "sex", "religion_belief"],
        [{"code_list": "ons_ethnicity_2021", "codes": ["ASIAN_PAKISTANI", "ASIAN_BANGLADESHI"]}],
        "South Asian women",
        "Urdu, Punjabi, Bengali, English",
        "Step-free access; women-only space",
        "LS8 5BD",
        "Harehills",
        "Self-referral or via GP social prescriber",
    ),
    (
        "Leeds Refugee Support Network (demo)",
        "organisation",
        "Practical and emotional support for refugees and people seeking asylum.",
        ["refugee_asylum"],
        [],
        "Refugees and people seeking asylum",
        "Arabic, Farsi, Kurdish, Tigrinya, English",
        "Interpreters booked on request",
        "LS2 7EW",
        "City centre",
        "Self-referral or by any professional",
    ),
    (
        "Polish community drop-in (demo)",
        "group",
        "Monthly drop-in with a Polish-speaking wellbeing worker.",
        ["race"],
        [{"code_list": "ons_ethnicity_2021", "codes": ["WHITE_OTHER"]}],
        "Polish-speaking residents",
        "Polish, English",
        "Ground floor; hearing loop",
        "LS11 5LJ",
        "Beeston",
        "Drop in, first Saturday of the month",
    ),
    (
        "Crisis café (demo)",
        "service",
        "Evening safe space as an alternative to A&E, run with the NHS trust.",
        ["disability"],
        [],
        "Adults in emotional distress",
        "English; telephone interpreting",
        "Step-free; quiet room",
        "LS9 7TF",
        "Burmantofts",
        "Self-referral, or via NHS 111 option 2",
    ),
    (
        "Gipton and Seacroft carers' group (demo)",
        "group",
        "Peer support for unpaid carers.",
        ["carer"],
        [],
        "Unpaid carers",
        "English",
        "Step-free access",
        "LS14 6JA",
        "Seacroft",
        "Self-referral",
    ),
    (
        "LGBT+ mental health peer group (demo)",
        "group",
        "Fortnightly peer support for LGBT+ adults.",
        ["sexual_orientation", "gender_reassignment"],
        [],
        "LGBT+ adults",
        "English, BSL on request",
        "Step-free; gender-neutral toilets",
        "LS1 6HU",
        "City centre",
        "Self-referral by email",
    ),
]


def _assets(*, organisation, lead) -> None:
    for (
        name,
        kind,
        description,
        characteristics,
        criteria,
        served,
        languages,
        access,
        postcode,
        area,
        referral,
    ) in ASSETS:
        if CommunityAsset.objects.filter(organisation=organisation, name=name).exists():
            continue  # the organisation's directory is shared by its projects
        community.asset_create(
            by=lead,
            organisation=organisation,
            name=name,
            postcode=postcode,
            kind=kind,
            description=description,
            characteristics=characteristics,
            criteria=criteria,
            populations_served=served,
            languages=languages,
            accessibility=access,
            area=area,
            referral_route=referral,
            email="hello@example.org",
        )


@transaction.atomic
def load(*, project, users, stdout) -> None:
    if Survey.objects.filter(project=project, title=SURVEY_TITLE).exists():
        return
    lead, analyst = users[Role.LEAD], users[Role.ANALYST]
    survey, values = _build_survey(project=project, lead=lead)
    _answer_survey(survey=survey, values=values, project=project, lead=lead, analyst=analyst)
    _focus_groups_and_input(project=project, lead=lead)
    _assets(organisation=project.organisation, lead=lead)
    stdout.write(f"  {project.name}: survey '{SURVEY_TITLE}' with {RESPONSES} responses, focus groups, assets")
