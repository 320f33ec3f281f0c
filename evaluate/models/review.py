"""Evaluate 4C: the review of a cycle with people with lived experience, which feeds
the next cycle (AMHE 4C "Review data and feedback; involve people with lived
experience in this process")."""

from django.conf import settings
from django.db import models

from amhe.core.models import Project, SmartGoal


class Review(models.Model):
    """One review per project cycle: what the data and feedback say, reviewed with
    people with lived experience, and what to commission next."""

    class State(models.TextChoices):
        DRAFT = "draft", "Being written"
        COMPLETE = "complete", "Complete"

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="review")
    held_on = models.DateField("date of the review meeting", null=True, blank=True)
    participants = models.TextField(
        "who took part",
        help_text="Who reviewed the data and feedback, e.g. '6 members of the lived experience panel, 2 carers'. "
        "No names are needed.",
    )
    panel_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name="panel members on the project who took part",
    )
    what_works = models.TextField("what works", blank=True)
    what_does_not = models.TextField("what does not work", blank=True)
    gaps_and_needs = models.TextField("gaps and needs", blank=True)
    recommendations = models.TextField("recommendations for commissioning", blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Review of {self.project}"


class GoalReview(models.Model):
    """How far one SMART goal was met, and the evidence the review looked at."""

    class Outcome(models.TextChoices):
        MET = "met", "Met"
        PARTLY_MET = "partly_met", "Partly met"
        NOT_MET = "not_met", "Not met"

    NOT_MET_OUTCOMES = (Outcome.PARTLY_MET, Outcome.NOT_MET)

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="goal_reviews")
    goal = models.ForeignKey(SmartGoal, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    evidence = models.TextField(
        help_text="What shows it: the SPC chart, breakdowns, survey results, feedback. Say what the numbers show."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "goal"], name="evaluate_goal_review_once")]

    def __str__(self):
        return f"{self.goal}: {self.get_outcome_display()}"


class ReviewView(models.Model):
    """A panel member's own view of the review: one each, which they can change.
    Shown to everyone on the project without the member's name."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="views")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    view = models.TextField("your view", max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "member"], name="evaluate_review_view_one_each")]

    def __str__(self):
        return f"A view on {self.review}"
