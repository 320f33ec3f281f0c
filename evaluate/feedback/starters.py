"""The starting wording of each audience's feedback form, with its Polish and
Urdu translations, so a form can be opened in a click and answered in the app's
languages at once. Leads can change the wording in the survey builder before
the first answers come in, as with any survey.

Option values follow the engine's own numbering (o1, o2, ... in order:
amhe.surveys.building.list_options), so translations of options are keyed by
them.
"""

from __future__ import annotations

from evaluate.models import Audience

PUBLIC_LANGUAGES = ["pl", "ur"]

TITLES = {
    Audience.SERVICE_USERS: {
        "en": "Tell us about your care",
        "pl": "Opowiedz nam o swojej opiece",
        "ur": "ہمیں اپنی دیکھ بھال کے بارے میں بتائیں",
    },
    Audience.FAMILIES_CARERS: {
        "en": "Feedback from families and carers",
        "pl": "Opinie rodzin i opiekunów",
        "ur": "خاندانوں اور دیکھ بھال کرنے والوں کی رائے",
    },
    Audience.COMMUNITY: {
        "en": "Feedback from the community",
        "pl": "Opinie społeczności",
        "ur": "کمیونٹی کی رائے",
    },
}

PUBLIC_TEXTS = {
    "introduction": {
        "en": "We want to hear what is going well and what could be better in mental health services, so we can "
        "make them fairer. You do not need to give your name.",
        "pl": "Chcemy usłyszeć, co działa dobrze, a co można poprawić w usługach zdrowia psychicznego, aby były "
        "bardziej sprawiedliwe. Nie musisz podawać swojego imienia i nazwiska.",
        "ur": "ہم جاننا چاہتے ہیں کہ ذہنی صحت کی خدمات میں کیا اچھا چل رہا ہے اور کیا بہتر ہو سکتا ہے، تاکہ ہم "
        "انہیں زیادہ منصفانہ بنا سکیں۔ آپ کو اپنا نام بتانے کی ضرورت نہیں۔",
    },
    "privacy_notice": {
        "en": "We do not ask for your name, and we do not record your internet address or your device. Please do not "
        "write names or details that could identify you or anyone else. Staff on this project read what you write; "
        "we publish only themes and rounded numbers. We keep answers for two years.",
        "pl": "Nie pytamy o imię i nazwisko i nie zapisujemy adresu internetowego ani urządzenia. Prosimy nie wpisywać "
        "imion ani danych, po których można rozpoznać Ciebie lub inną osobę. Odpowiedzi czytają pracownicy tego "
        "projektu; publikujemy tylko tematy i zaokrąglone liczby. Odpowiedzi przechowujemy przez dwa lata.",
        "ur": "ہم آپ کا نام نہیں پوچھتے، اور نہ ہی آپ کا انٹرنیٹ پتہ یا آلہ محفوظ کرتے ہیں۔ براہ کرم ایسے نام یا "
        "تفصیلات نہ لکھیں جن سے آپ کی یا کسی اور کی شناخت ہو سکے۔ اس منصوبے کا عملہ آپ کے جوابات پڑھتا ہے؛ ہم صرف "
        "موضوعات اور تخمینی اعداد شائع کرتے ہیں۔ ہم جوابات دو سال تک رکھتے ہیں۔",
    },
    "consent_text": {
        "en": "I agree that my answers can be used to improve services.",
        "pl": "Zgadzam się, aby moje odpowiedzi zostały wykorzystane do poprawy usług.",
        "ur": "میں اتفاق کرتا/کرتی ہوں کہ میرے جوابات خدمات کو بہتر بنانے کے لیے استعمال کیے جا سکتے ہیں۔",
    },
    "confirmation_text": {
        "en": "Thank you. We read every answer, and we publish what we changed on our 'You said, we did' page.",
        "pl": "Dziękujemy. Czytamy każdą odpowiedź, a to, co zmieniliśmy, publikujemy na stronie "
        "„Mówiliście, zrobiliśmy”.",
        "ur": "شکریہ۔ ہم ہر جواب پڑھتے ہیں، اور جو کچھ ہم نے بدلا اسے اپنے "
        "'آپ نے کہا، ہم نے کیا' صفحے پر شائع کرتے ہیں۔",
    },
}

# Each question: the engine's question_add arguments in English, and per language
# its texts and option labels (by the option's value).
PUBLIC_QUESTIONS = [
    {
        "add": {
            "kind": "long_text",
            "text": "What has gone well?",
            "hint": "Anything that helped you, or the person you care for.",
            "easy_read": "What was good?",
            "required": True,
        },
        "pl": {
            "text": "Co poszło dobrze?",
            "hint": "Wszystko, co pomogło Tobie lub osobie, którą się opiekujesz.",
            "easy_read": "Co było dobre?",
        },
        "ur": {
            "text": "کیا اچھا رہا؟",
            "hint": "کوئی بھی چیز جس سے آپ کی، یا جس کی آپ دیکھ بھال کرتے ہیں اس کی، مدد ہوئی۔",
            "easy_read": "کیا اچھا تھا؟",
        },
    },
    {
        "add": {
            "kind": "long_text",
            "text": "What could be better?",
            "hint": "Anything that made it harder to get help, or made you feel treated unfairly.",
            "easy_read": "What was not good?",
        },
        "pl": {
            "text": "Co mogłoby być lepsze?",
            "hint": "Wszystko, co utrudniło uzyskanie pomocy albo sprawiło, że poczułeś się niesprawiedliwie "
            "potraktowany.",
            "easy_read": "Co nie było dobre?",
        },
        "ur": {
            "text": "کیا بہتر ہو سکتا ہے؟",
            "hint": "کوئی بھی چیز جس سے مدد حاصل کرنا مشکل ہوا، یا آپ کو لگا کہ آپ کے ساتھ ناانصافی ہوئی۔",
            "easy_read": "کیا اچھا نہیں تھا؟",
        },
    },
    {
        "add": {
            "kind": "single",
            "text": "Did you feel you were treated with respect?",
            "easy_read": "Were you treated well?",
            "option_labels": ["Yes", "Some of the time", "No", "Prefer not to say"],
        },
        "pl": {
            "text": "Czy czułeś się traktowany z szacunkiem?",
            "easy_read": "Czy traktowano Cię dobrze?",
            "options": {"o1": "Tak", "o2": "Czasami", "o3": "Nie", "o4": "Wolę nie odpowiadać"},
        },
        "ur": {
            "text": "کیا آپ کو لگا کہ آپ کے ساتھ عزت سے پیش آیا گیا؟",
            "easy_read": "کیا آپ کے ساتھ اچھا سلوک کیا گیا؟",
            "options": {"o1": "ہاں", "o2": "کبھی کبھی", "o3": "نہیں", "o4": "میں نہیں بتانا چاہتا/چاہتی"},
        },
    },
]

STAFF_TEXTS = {
    "title": "Staff feedback: fair care for everyone",
    "introduction": "Tell us how well supported you feel to give fair mental health care to everyone, and what "
    "training would help. Your answers are anonymous: we show only numbers large enough that no one can be "
    "picked out.",
    "privacy_notice": "We do not record your name, your account, your internet address or your device. Please do "
    "not write names. The project's leads and analysts read what you write; everyone else sees only themes and "
    "rounded numbers. We keep answers for two years.",
    "consent_text": "I agree that my answers can be used to plan support and training.",
    "confirmation_text": "Thank you. We will share what we change on the project's 'You said, we did' page.",
}

TRAINING = [
    "Cultural awareness and humility",
    "Working with interpreters",
    "Anti-racist practice",
    "The Mental Health Act and equality",
    "Co-production with communities",
    "Something else",
]

STAFF_QUESTIONS = [
    {
        "add": {
            "kind": "rating",
            "text": "How satisfied are you with the support you have to give fair care to everyone?",
            "required": True,
            "min_value": 1,
            "max_value": 5,
            "min_label": "Not at all satisfied",
            "max_label": "Very satisfied",
        }
    },
    {"add": {"kind": "multiple", "text": "Which training would help you most?", "option_labels": TRAINING}},
    {"add": {"kind": "long_text", "text": "What else would help you?"}},
]
