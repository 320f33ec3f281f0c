"""The instruments AMHE ships: only ones that may be reproduced freely.

* **PHQ-9** and **GAD-7**: developed by Drs Robert L. Spitzer, Janet B.W.
  Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer
  Inc. The PHQ Screeners site (https://www.phqscreeners.com/) says: "No
  permission required to reproduce, translate, display or distribute." Item
  wording and answers as on the English (UK) forms there.
  Severity bands: Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a
  brief depression severity measure. J Gen Intern Med 2001;16(9):606-13
  (doi:10.1046/j.1525-1497.2001.016009606.x): 5, 10, 15 and 20 mark mild,
  moderate, moderately severe and severe depression. Spitzer RL, Kroenke K,
  Williams JBW, Lowe B. A brief measure for assessing generalized anxiety
  disorder: the GAD-7. Arch Intern Med 2006;166(10):1092-7
  (doi:10.1001/archinte.166.10.1092): 5, 10 and 15 mark mild, moderate and
  severe anxiety.
* **Friends and Family Test (FFT)**: NHS England's standard question and
  answers, which every NHS-funded service must use as worded ("Using the
  Friends and Family Test to improve patient experience", NHS England, in force
  from 1 April 2020; https://www.england.nhs.uk/fft/), published under the
  Open Government Licence v3.0. Our figure is the share answering "Very good"
  or "Good" of those who gave an answer other than "Don't know".

Missing items (PHQ-9, GAD-7): our rule, stated in evaluate/instruments/scoring.py:
at most one item unanswered, the total prorated; more and there is no score.
"""

from __future__ import annotations

from evaluate.instruments.scoring import SHARE, SUM

FREQUENCY = [
    {"label": "Not at all", "score": 0},
    {"label": "Several days", "score": 1},
    {"label": "More than half the days", "score": 2},
    {"label": "Nearly every day", "score": 3},
]
PHQ_SOURCE = (
    "PHQ-9 and GAD-7 by Drs Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an "
    "educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute "
    "(https://www.phqscreeners.com/)."
)

PHQ9 = {
    "key": "phq-9",
    "name": "PHQ-9 (depression)",
    "kind": "PROM",
    "summary": "Patient Health Questionnaire: nine questions on symptoms of depression over the last two weeks.",
    "stem": "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    "items": [
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so "
        "fidgety or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ],
    "options": FREQUENCY,
    "method": SUM,
    "reverse": [],
    "max_missing": 1,
    "bands": [
        {"low": 0, "high": 4, "label": "Minimal"},
        {"low": 5, "high": 9, "label": "Mild"},
        {"low": 10, "high": 14, "label": "Moderate"},
        {"low": 15, "high": 19, "label": "Moderately severe"},
        {"low": 20, "high": 27, "label": "Severe"},
    ],
    "higher_is_better": False,
    "source": PHQ_SOURCE,
    "bands_source": "Kroenke, Spitzer and Williams, J Gen Intern Med 2001;16:606-13.",
    "caution": "Question 9 asks about thoughts of self-harm. Answers are anonymous, so no one can be contacted "
    "about them: say in the survey's confirmation page where to get help now (for example NHS 111, "
    "option 2, or Samaritans on 116 123).",
}

GAD7 = {
    "key": "gad-7",
    "name": "GAD-7 (anxiety)",
    "kind": "PROM",
    "summary": "Generalised Anxiety Disorder scale: seven questions on symptoms of anxiety over the last two weeks.",
    "stem": "Over the last 2 weeks, how often have you been bothered by the following problems?",
    "items": [
        "Feeling nervous, anxious or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid as if something awful might happen",
    ],
    "options": FREQUENCY,
    "method": SUM,
    "reverse": [],
    "max_missing": 1,
    "bands": [
        {"low": 0, "high": 4, "label": "Minimal"},
        {"low": 5, "high": 9, "label": "Mild"},
        {"low": 10, "high": 14, "label": "Moderate"},
        {"low": 15, "high": 21, "label": "Severe"},
    ],
    "higher_is_better": False,
    "source": PHQ_SOURCE,
    "bands_source": "Spitzer, Kroenke, Williams and Lowe, Arch Intern Med 2006;166:1092-7.",
    "caution": "",
}

FFT = {
    "key": "fft",
    "name": "Friends and Family Test",
    "kind": "PREM",
    "summary": "NHS England's standard question on people's overall experience of a service.",
    "stem": "",
    "items": ["Overall, how was your experience of our service?"],
    "options": [
        {"label": "Very good", "score": 5},
        {"label": "Good", "score": 4},
        {"label": "Neither good nor poor", "score": 3},
        {"label": "Poor", "score": 2},
        {"label": "Very poor", "score": 1},
        {"label": "Don't know", "score": None},
    ],
    "method": SHARE,
    "positive": [0, 1],
    "reverse": [],
    "max_missing": 0,
    "bands": [],
    "higher_is_better": True,
    "source": "NHS England, Friends and Family Test guidance (in force from 1 April 2020), "
    "https://www.england.nhs.uk/fft/; Open Government Licence v3.0.",
    "bands_source": "",
    "caution": "NHS England asks for at least one free-text follow-up question, such as what was good and "
    "what could be better: add one to the survey.",
}

BUILT_IN = {definition["key"]: definition for definition in (PHQ9, GAD7, FFT)}
