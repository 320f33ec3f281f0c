"""The shared core: organisations, users, projects, roles, populations,
measures, SMART goals, and background jobs.

The core knows no step app. Step apps (identify, research, deliver, evaluate)
hang their own models off `Project`.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from simple_history.models import HistoricalRecords

from amhe.core import cycle, recovery_codes, taxonomy

# Bounds of every retention setting, in days: at least a day, at most 20 years.
RETENTION_MIN_DAYS = 1
RETENTION_MAX_DAYS = 20 * 365


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ICB = "icb", "Integrated care board"
        TRUST = "trust", "NHS trust"
        LOCAL_AUTHORITY = "la", "Local authority"
        VCSE = "vcse", "Voluntary, community or social enterprise group"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    ods_code = models.CharField(
        "ODS code", max_length=10, blank=True, help_text="Organisation Data Service code, if it has one."
    )
    # The small-number suppression rule (a key of amhe.stats.RULES) applied to every figure
    # shown or exported beyond the analyst who uploaded the data; read it through
    # amhe.core.selectors.suppression_rule_for.
    suppression_rule = models.CharField(max_length=20, default="nhs")
    # Two-factor sign-in for its accounts (amhe.core.two_factor.required_for): blank follows the
    # site's default (AMHE_TWO_FACTOR_DEFAULT: on unless DEBUG is on).
    two_factor_required = models.BooleanField(
        "require two-factor sign-in",
        null=True,
        blank=True,
        default=None,
        help_text=(
            "Every account of this organisation, and every member of its projects, must sign in with a code "
            "from an authenticator app. Unknown: the site's default (on for a live site)."
        ),
    )
    # How long each kind of data is kept, in days (amhe.core.retention; the purge job
    # destroys what is older). Changed by the organisation's governance leads on its
    # settings page, within RETENTION_MIN_DAYS..RETENTION_MAX_DAYS.
    retain_record_level_days = models.PositiveIntegerField(
        "record-level data from uploads (days after upload)",
        default=180,
        validators=[MinValueValidator(RETENTION_MIN_DAYS), MaxValueValidator(RETENTION_MAX_DAYS)],
        help_text="The normalised rows of each upload. Its breakdowns, dashboard and quality report are kept.",
    )
    retain_abandoned_responses_days = models.PositiveIntegerField(
        "unfinished survey responses (days after the survey closes)",
        default=30,
        validators=[MinValueValidator(RETENTION_MIN_DAYS), MaxValueValidator(RETENTION_MAX_DAYS)],
        help_text="Responses started but never sent, with their answers.",
    )
    retain_reports_days = models.PositiveIntegerField(
        "generated reports and exports (days after they were made)",
        default=365,
        validators=[MinValueValidator(RETENTION_MIN_DAYS), MaxValueValidator(RETENTION_MAX_DAYS)],
        help_text="Progress report files. They can be built again from the project at any time.",
    )
    retain_history_days = models.PositiveIntegerField(
        "change history (days after each change)",
        default=6 * 365,
        validators=[MinValueValidator(RETENTION_MIN_DAYS), MaxValueValidator(RETENTION_MAX_DAYS)],
        help_text="Who changed what and when on goals, strategy, risks, surveys and other records.",
    )
    retain_audit_days = models.PositiveIntegerField(
        "audit log entries (days after each entry)",
        default=6 * 365,
        validators=[MinValueValidator(RETENTION_MIN_DAYS), MaxValueValidator(RETENTION_MAX_DAYS)],
        help_text="Sign-ins, refusals, uploads, exports, deletions and settings changes.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("Users must have an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the admin site.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class OidcSubject(models.Model):
    """The account a single sign-on provider's person is: the provider (`issuer`) and its
    stable, never reassigned subject identifier (`sub`), linked on the account's first
    single sign-on (amhe.core.oidc). From then on the subject alone picks the account, never
    the email the provider sends, which its users may be able to change (nOAuth). One
    subject per account and provider; an administrator deletes the link to let the account
    be linked again (a person whose account was made again at the provider)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="oidc_subjects")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "single sign-on link"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="core_oidc_subject_unique"),
            models.UniqueConstraint(fields=["user", "issuer"], name="core_oidc_one_subject_per_issuer"),
        ]

    def __str__(self):
        return f"{self.user} at {self.issuer}"


class Population(models.Model):
    """A focus population, e.g. "Black African and Caribbean men aged 18 to 35 in Leeds".

    `criteria` says who is in it in terms of the characteristic taxonomy, as a
    list of {"code_list": key, "codes": [...]} entries, all of which apply.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="populations")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    area = models.CharField(max_length=200, blank=True, help_text="Place, if narrower than the project's area.")
    criteria = models.JSONField(default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="population_unique_name")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = taxonomy_criteria_errors(self.criteria)
        if errors:
            raise ValidationError({"criteria": errors})

    def criteria_display(self) -> list[tuple[str, list[str]]]:
        """[(code list name, [labels])] for showing who the population is."""
        shown = []
        for item in self.criteria or []:
            code_list = taxonomy.code_list(item["code_list"])
            labels = []
            for code in item["codes"]:
                category = code_list.get(code)
                labels.append(category.label if category else code)
            shown.append((code_list.name, labels))
        return shown


def taxonomy_criteria_errors(criteria) -> list[str]:
    if not isinstance(criteria, list):
        return ["Criteria must be a list of code list and codes."]
    errors = []
    for item in criteria:
        if not isinstance(item, dict) or "code_list" not in item or "codes" not in item:
            errors.append('Each criterion needs a "code_list" and a list of "codes".')
            continue
        if item["code_list"] not in taxonomy.CODE_LISTS:
            errors.append(f"Unknown code list {item['code_list']!r}.")
            continue
        code_list = taxonomy.CODE_LISTS[item["code_list"]]
        unknown = [code for code in item["codes"] if code_list.get(str(code)) is None]
        if unknown:
            errors.append(f"{code_list.name} has no code {', '.join(map(str, unknown))}.")
    return errors


class ProjectQuerySet(models.QuerySet):
    def for_user(self, user):
        """Projects the user is a member of. Every project read starts here."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()


class Project(models.Model):
    """One AMHE cycle for a place and its focus populations."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETE = "complete", "Complete"
        ARCHIVED = "archived", "Archived"

    class Step(models.IntegerChoices):
        IDENTIFY = 1, "1. Identify"
        RESEARCH = 2, "2. Research"
        DELIVER = 3, "3. Deliver"
        EVALUATE = 4, "4. Evaluate"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(max_length=200)
    area = models.CharField(max_length=200, help_text="The place, e.g. a local authority, ICB or neighbourhood.")
    area_code = models.CharField(
        max_length=12, blank=True, help_text="ONS geography code for the area, e.g. E08000035 for Leeds."
    )
    description = models.TextField(blank=True)
    focus_populations = models.ManyToManyField(Population, blank=True, related_name="projects")
    cycle_number = models.PositiveSmallIntegerField(default=1)
    previous_cycle = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_cycle"
    )
    current_step = models.PositiveSmallIntegerField(choices=Step.choices, default=Step.IDENTIFY)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    start_date = models.DateField(null=True, blank=True)
    carried_learning = models.TextField(
        "learning carried over",
        blank=True,
        help_text="What the previous cycle's review learnt, carried over when this cycle was started from it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "cycle_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(current_step__gte=1) & Q(current_step__lte=4), name="project_current_step_1_to_4"
            ),
            models.CheckConstraint(condition=Q(cycle_number__gte=1), name="project_cycle_number_positive"),
        ]

    def __str__(self):
        return f"{self.name} (cycle {self.cycle_number})"

    def get_absolute_url(self):
        return reverse("core:project", kwargs={"project_id": self.pk})

    def clean(self):
        super().clean()
        if self.previous_cycle_id:
            if self.previous_cycle_id == self.pk:
                raise ValidationError({"previous_cycle": "A cycle cannot follow itself."})
            if self.previous_cycle.organisation_id != self.organisation_id:
                raise ValidationError({"previous_cycle": "The previous cycle must belong to the same organisation."})


class Role(models.TextChoices):
    LEAD = "lead", "Commissioner or project lead"
    ANALYST = "analyst", "Analyst"
    PANEL = "panel", "Lived-experience panel member"
    GOVERNANCE = "governance", "Governance lead"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    """A user's role on a project. No membership, no access: every view answers 404."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="membership_one_role_per_project")]
        ordering = ["project", "role"]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} on {self.project}"


class ProjectInvitation(models.Model):
    """An invitation to join a project, waiting for the invitee to accept it.

    Anyone who is not an active, ordinary account of the project's own
    organisation (someone with no account, another organisation's account, an
    account with no organisation, a superuser) joins only by accepting: after
    signing in, or by creating their account from the emailed link. Only a hash
    of the link's token is stored, so the table cannot be used to open one.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=200, blank=True, help_text="The name the lead gave, for the greeting.")
    role = models.CharField(max_length=12, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["project", "email"]
        constraints = [models.UniqueConstraint(fields=["project", "email"], name="invitation_one_per_email")]

    def __str__(self):
        return f"Invitation to {self.project} as {self.get_role_display()}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class SubStepStatus(models.Model):
    """Where a project stands on one AMHE sub-step (1A ... 4C)."""

    class State(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="substep_statuses")
    code = models.CharField(max_length=2, choices=[(c, c) for c in cycle.SUBSTEP_CODES])
    state = models.CharField(max_length=12, choices=State.choices, default=State.NOT_STARTED)
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="substep_status_unique")]
        ordering = ["code"]

    def __str__(self):
        return f"{self.code}: {self.get_state_display()}"


class Measure(models.Model):
    """Something a project counts over time, e.g. the rate of detention under the
    Mental Health Act per 100,000 Black or Black British people.

    Step apps fill its values (from breakdowns, surveys or time series); a SMART
    goal points at one so its baseline and progress come from data.
    """

    class Unit(models.TextChoices):
        COUNT = "count", "Count"
        PERCENT = "percent", "Per cent"
        RATE_100K = "rate_100k", "Rate per 100,000"
        RATIO = "ratio", "Ratio"
        SCORE = "score", "Score"

    class Direction(models.TextChoices):
        LOWER = "lower", "Lower is better"
        HIGHER = "higher", "Higher is better"
        CLOSER_TO_ONE = "closer_to_one", "Closer to 1 is better (equality)"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    direction = models.CharField(max_length=14, choices=Direction.choices)
    population = models.ForeignKey(Population, on_delete=models.SET_NULL, null=True, blank=True)
    source = models.CharField(max_length=300, help_text="Where the figures come from.")
    definition = models.JSONField(
        default=dict, blank=True, help_text="Machine-readable definition for the step app that computes it."
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="measure_unique_name")]

    def __str__(self):
        return self.name

    def latest_value(self):
        return self.values.order_by("-period_end").first()


class MeasureValue(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    lower = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    upper = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    numerator = models.PositiveBigIntegerField(null=True, blank=True)
    denominator = models.PositiveBigIntegerField(null=True, blank=True)
    suppressed = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["measure", "period_end"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period_start", "period_end"], name="measure_value_period"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="measure_period_order"),
        ]

    def __str__(self):
        return f"{self.measure}: {self.value} ({self.period_start} to {self.period_end})"


def target_on_wrong_side(direction: str, baseline, target) -> str | None:
    """A plain message when a target would be a change for the worse, for a measure
    whose `direction` says which way is better; None when it is fine or cannot be told."""
    if baseline is None or target is None:
        return None
    baseline, target = Decimal(str(baseline)), Decimal(str(target))
    if direction == Measure.Direction.LOWER and target > baseline:
        return (
            f"Lower is better for this measure, so the target cannot be above the baseline ({baseline.normalize():f})"
        )
    if direction == Measure.Direction.HIGHER and target < baseline:
        return (
            f"Higher is better for this measure, so the target cannot be below the baseline ({baseline.normalize():f})"
        )
    if direction == Measure.Direction.CLOSER_TO_ONE and abs(target - 1) > abs(baseline - 1):
        return (
            "Closer to 1 is better for this measure, so the target cannot be further from 1 than the baseline "
            f"({baseline.normalize():f})"
        )
    return None


class SmartGoal(models.Model):
    """A Specific, Measurable, Achievable, Realistic and Timely goal (sub-step 3A).

    A draft may be incomplete; a goal cannot be saved as agreed (or later) while
    any SMART part is missing. The database enforces this too.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed"
        ACHIEVED = "achieved", "Achieved"
        NOT_ACHIEVED = "not_achieved", "Not achieved"
        WITHDRAWN = "withdrawn", "Withdrawn"

    COMMITTED = (Status.AGREED, Status.ACHIEVED, Status.NOT_ACHIEVED)

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="smart_goals")
    statement = models.TextField("specific goal", help_text="What will change, for whom, and where.")
    population = models.ForeignKey(Population, on_delete=models.SET_NULL, null=True, blank=True)
    measure = models.ForeignKey(
        Measure, on_delete=models.SET_NULL, null=True, blank=True, related_name="goals", help_text="The measure."
    )
    measure_description = models.CharField(
        "how it is measured",
        max_length=300,
        blank=True,
        help_text="The measure in words, e.g. 'detentions per 100,000 Black adults, annual'.",
    )
    baseline_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True)
    target_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_goals"
    )
    achievable = models.TextField("why it is achievable", blank=True)
    realistic = models.TextField("why it is realistic", blank=True)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.DRAFT)
    # When the goal was first agreed (by the lead). Once set, a changed goal is agreed
    # again only through an approval (amhe.core.approvals).
    first_agreed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["target_date", "pk"]
        constraints = [
            models.CheckConstraint(
                name="smart_goal_complete_when_committed",
                condition=~Q(status__in=["agreed", "achieved", "not_achieved"])
                | (
                    ~Q(statement="")
                    & (Q(measure__isnull=False) | ~Q(measure_description=""))
                    & Q(baseline_value__isnull=False)
                    & Q(target_value__isnull=False)
                    & Q(target_date__isnull=False)
                    & Q(owner__isnull=False)
                    & ~Q(achievable="")
                    & ~Q(realistic="")
                ),
                violation_error_message="An agreed goal must have every SMART part.",
            ),
        ]

    def __str__(self):
        return self.statement[:80]

    def missing_smart_parts(self) -> dict[str, str]:
        """Field name -> message for each SMART part that is missing."""
        missing = {}
        if not self.statement.strip():
            missing["statement"] = "Say specifically what will change, for whom and where"
        if not self.measure_id and not self.measure_description.strip():
            missing["measure_description"] = "Say how the goal will be measured, or choose a measure"
        if self.baseline_value is None:
            missing["baseline_value"] = "Enter the baseline: where the measure stands now"
        if self.target_value is None:
            missing["target_value"] = "Enter the target value"
        if self.target_date is None:
            missing["target_date"] = "Enter the date by which the target should be met"
        if self.owner_id is None:
            missing["owner"] = "Choose who owns this goal"
        if not self.achievable.strip():
            missing["achievable"] = "Say why the goal is achievable"
        if not self.realistic.strip():
            missing["realistic"] = "Say why the goal is realistic"
        return missing

    @property
    def is_smart(self) -> bool:
        return not self.missing_smart_parts()

    def clean(self):
        super().clean()
        errors = {}
        if self.status in self.COMMITTED:
            errors.update(self.missing_smart_parts())
        if self.baseline_date and self.target_date and self.target_date <= self.baseline_date:
            errors["target_date"] = "The target date must be after the baseline date"
        if self.measure_id and self.measure.project_id != self.project_id:
            errors["measure"] = "Choose a measure from this project"
        elif self.measure_id and "target_value" not in errors:
            wrong_side = target_on_wrong_side(self.measure.direction, self.baseline_value, self.target_value)
            if wrong_side:
                errors["target_value"] = wrong_side
        if errors:
            raise ValidationError(errors)


class Approval(models.Model):
    """One request for a governance lead's decision on one record of a project: submitted,
    then approved or returned with comments. Step-neutral: the record is named by its
    content type and id (a SmartGoal here, a step's record such as Deliver's strategy).
    Each submission is a new row; the latest row of a record is its approval state.
    An approved record changed afterwards has `changed_at` set (see amhe.core.approvals)."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", "Submitted, awaiting approval"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned with comments"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="approvals")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField("comments", blank=True, max_length=4000)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(state="submitted"),
                name="core_approval_one_open_request",
                violation_error_message="This is already waiting for approval.",
            )
        ]

    def __str__(self):
        return f"{self.get_state_display()} ({self.content_type_id}:{self.object_id})"


class Job(models.Model):
    """A background job. Its state and progress live here, not in Celery.

    Tasks are idempotent: running a job that already finished does nothing, and
    a job whose worker died is picked up again (see services.jobs_requeue_stale).
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs")
    kind = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_0_to_100")]
        indexes = [models.Index(fields=["state", "heartbeat_at"])]

    def __str__(self):
        return f"{self.kind} ({self.get_state_display()})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)


class WorkerHeartbeat(models.Model):
    hostname = models.CharField(max_length=200, unique=True)
    last_seen = models.DateTimeField()

    def __str__(self):
        return f"{self.hostname} at {self.last_seen:%H:%M:%S}"


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """An account's one-use recovery codes, as a django-otp device (so sign-in, throttling
    and the lockout treat a recovery code like an authenticator's code). The codes are kept
    only as keyed digests (`RecoveryCode`, see amhe/core/recovery_codes.py); `salt` is this
    device's own."""

    salt = models.CharField(max_length=32, default=recovery_codes.new_salt, editable=False)

    def get_throttle_factor(self):
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token):
        """Whether `token` is one of this device's unused codes; a match is used up (deleted:
        of two sign-ins racing with one code, only the one whose delete removed it succeeds)."""
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        match = recovery_codes.find(token, salt=self.salt, stored=self.codes.values_list("pk", "digest"))
        used = match is not None and RecoveryCode.objects.filter(pk=match).delete()[0] == 1
        if used:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        else:
            self.throttle_increment()
        return used


class RecoveryCode(models.Model):
    """One unused recovery code: its digest, never the code."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)

    def __str__(self):
        return f"Recovery code {self.pk}"


class AppendOnlyError(Exception):
    """An audit entry cannot be changed or deleted (amhe.core.audit)."""


class AuditEventQuerySet(models.QuerySet):
    """The audit log's rows can be added and read, never changed or deleted here.

    The retention purge is the one way out, through `amhe.core.audit.purge_before`,
    which is itself audited (on PostgreSQL a trigger refuses any other UPDATE or DELETE)."""

    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only: entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only: entries cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("The audit log is append-only: entries cannot be changed.")

    def update_or_create(self, defaults=None, **kwargs):
        raise AppendOnlyError("The audit log is append-only: entries cannot be changed.")

    # Django's deletion collector deletes through this; refuse it too.
    def _raw_delete(self, using):
        raise AppendOnlyError("The audit log is append-only: entries cannot be deleted.")


class AuditEvent(models.Model):
    """One entry of the audit log: who (an account, or an API token), did what
    (`action`) to which object, of which organisation and project, when, and how it
    ended. Append-only (see AuditEventQuerySet and migration 0007's trigger).

    It holds no personal data beyond the account: the user is a reference to the
    account, a token is its id and its shown prefix, `detail` is short and
    written by the app (never form input, file names or an email address). The
    references are kept without database constraints (as simple-history's are), so
    an entry outlives the account, project or organisation it names."""

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        LOCKOUT = "lockout", "Account locked"
        SIGN_OUT = "sign_out", "Signed out"
        REFUSED_403 = "refused_403", "Refused: not allowed (403)"
        REFUSED_404 = "refused_404", "Refused: not found (404)"
        UPLOAD = "upload", "Upload"
        DELETE = "delete", "Deletion"
        EXPORT = "export", "Export"
        DOWNLOAD = "download", "Download"
        REPORT_BUILT = "report_built", "Report built"
        REPORT_DOWNLOADED = "report_downloaded", "Report downloaded"
        REPORT_EMAILED = "report_emailed", "Report emailed"
        API_READ = "api_read", "API read"
        ROLE_CHANGE = "role_change", "Role change"
        PURGE = "purge", "Purge"
        SETTINGS_CHANGE = "settings_change", "Settings change"
        # Records added or changed in Django's admin (the app's own pages log what they do
        # by kind: a role change, a settings change...).
        ADD = "add", "Added (admin)"
        CHANGE = "change", "Changed (admin)"
        SSO_LINKED = "sso_linked", "Single sign-on linked"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=24, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # An API token, named generically (the core knows no API): its id and shown prefix.
    token_id = models.PositiveBigIntegerField(null=True, blank=True)
    token_prefix = models.CharField(max_length=20, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    project = models.ForeignKey(
        Project, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    object_kind = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=24, default="ok")
    detail = models.CharField(max_length=200, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "at"], name="core_audit_org_at"),
            models.Index(fields=["project", "at"], name="core_audit_project_at"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The audit log is append-only: entries cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only: entries cannot be deleted.")


class PurgeRun(models.Model):
    """One run of the retention purge (amhe.core.retention), or of its dry run: when,
    what started it and how many of each kind went (or would go) per organisation.
    Counts only: no names, no identifiers, nothing from the rows themselves."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Daily schedule"
        COMMAND = "command", "manage.py purge"
        PAGE = "page", "Organisation settings page"

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The moment every cutoff was measured from: a run started again (its worker died)
    # keeps it, so it removes what the first attempt would have.
    as_of = models.DateTimeField()
    dry_run = models.BooleanField(default=False)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="purge_runs"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    job = models.OneToOneField(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="purge_run")
    # {kind key: {organisation id (as a string): count}}
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        what = "Dry run" if self.dry_run else "Purge"
        return f"{what} of {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def total(self) -> int:
        return sum(sum(by_org.values()) for by_org in self.counts.values())
