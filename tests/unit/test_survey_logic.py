"""Show-if logic and page plans (amhe.surveys.logic, responding.plan), on
unsaved Question objects: no database."""

from amhe.surveys import logic, responding
from amhe.surveys.models import Question


def q(pk, *, kind="single", trigger=None, values=(), new_page=True, required=False):
    question = Question(pk=pk, kind=kind, text=f"Q{pk}", new_page=new_page, required=required)
    question.show_if_question_id = trigger
    question.show_if_values = list(values)
    return question


def test_a_question_without_a_rule_is_always_shown():
    assert logic.shown_questions([q(1), q(2)], {}) == {1: True, 2: True}


def test_rule_on_a_single_answer():
    questions = [q(1), q(2, trigger=1, values=["yes"])]
    assert logic.shown_questions(questions, {1: "yes"})[2] is True
    assert logic.shown_questions(questions, {1: "no"})[2] is False
    assert logic.shown_questions(questions, {})[2] is False  # not answered: not shown


def test_rule_on_any_of_several_answers_and_on_multiple_choice():
    questions = [q(1, kind="multiple"), q(2, trigger=1, values=["gp", "111"])]
    assert logic.shown_questions(questions, {1: ["police", "111"]})[2] is True
    assert logic.shown_questions(questions, {1: ["police"]})[2] is False


def test_rating_answers_match_whether_stored_as_text_or_number():
    questions = [q(1, kind="rating"), q(2, trigger=1, values=["9", "10"])]
    assert logic.shown_questions(questions, {1: 10.0})[2] is True
    assert logic.shown_questions(questions, {1: "9"})[2] is True
    assert logic.shown_questions(questions, {1: 3.0})[2] is False


def test_chains_hide_what_hangs_off_a_hidden_question():
    questions = [q(1), q(2, trigger=1, values=["yes"]), q(3, trigger=2, values=["often"])]
    # q2's old answer would show q3, but q2 itself is hidden now
    assert logic.shown_questions(questions, {1: "no", 2: "often"}) == {1: True, 2: False, 3: False}
    assert logic.shown_questions(questions, {1: "yes", 2: "often"}) == {1: True, 2: True, 3: True}


def test_plan_skips_pages_whose_questions_are_all_hidden_and_counts_pages():
    questions = [q(1), q(2, trigger=1, values=["yes"]), q(3, new_page=False, trigger=1, values=["yes"]), q(4)]
    hidden = responding.plan(questions, {1: "no"})
    assert [[x.pk for x in page] for page in hidden.pages] == [[1], [4]]
    shown = responding.plan(questions, {1: "yes"})
    assert [[x.pk for x in page] for page in shown.pages] == [[1], [2, 3], [4]]
    assert shown.count == 3


def test_plan_first_unanswered_page_and_missing_required():
    questions = [q(1, required=True), q(2), q(3, required=True)]
    the_plan = responding.plan(questions, {1: "yes"})
    assert the_plan.first_unanswered() == 2
    assert [(page, x.pk) for page, x in the_plan.missing_required()] == [(3, 3)]
    done = responding.plan(questions, {1: "yes", 2: "x", 3: "y"})
    assert done.first_unanswered() == 3  # all answered: the last page
    assert done.missing_required() == []


def test_merged_answers_are_what_saving_a_page_leaves():
    before = {1: "yes", 2: ["gp"], 3: "old text"}
    # page with questions 2 and 3: 2 changed, 3 cleared; 1 (another page) untouched; 4 new
    after = responding.merged(before, {2: ["gp", "111"], 3: None, 4: 34})
    assert after == {1: "yes", 2: ["gp", "111"], 4: 34}
    assert before == {1: "yes", 2: ["gp"], 3: "old text"}  # not changed in place
