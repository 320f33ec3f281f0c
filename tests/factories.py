"""One factory per model."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from amhe.core import cycle
from amhe.core.models import (
    Job,
    Measure,
    MeasureValue,
    Membership,
    Organisation,
    Population,
    Project,
    Role,
    SmartGoal,
    SubStepStatus,
    User,
)

PASSWORD = "a-long-test-password-42"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.ICB


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PopulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Population

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Population {n}")
    criteria = factory.LazyFunction(lambda: [{"code_list": "nhs_ethnic_category", "codes": ["M", "N", "P"]}])


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Project {n}")
    area = "Leeds"

    @factory.post_generation
    def substeps(obj, create, extracted, **kwargs):
        if create:
            SubStepStatus.objects.bulk_create(SubStepStatus(project=obj, code=code) for code in cycle.SUBSTEP_CODES)


class ProjectInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "core.ProjectInvitation"

    project = factory.SubFactory(ProjectFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    role = Role.VIEWER
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory, organisation=factory.SelfAttribute("..project.organisation"))
    role = Role.LEAD


class SubStepStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubStepStatus
        django_get_or_create = ["project", "code"]

    project = factory.SubFactory(ProjectFactory)
    code = "1A"


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Measure {n}")
    unit = Measure.Unit.RATE_100K
    direction = Measure.Direction.LOWER
    source = "Test data"


class MeasureValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureValue

    measure = factory.SubFactory(MeasureFactory)
    period_start = date(2023, 4, 1)
    period_end = date(2024, 3, 31)
    value = Decimal("159.0")


class SmartGoalFactory(factory.django.DjangoModelFactory):
    """A complete (SMART) draft goal; tests blank parts to make it incomplete."""

    class Meta:
        model = SmartGoal

    project = factory.SubFactory(ProjectFactory)
    statement = "Reduce detentions among Black men aged 18 to 34 in Leeds"
    measure_description = "Detentions per 100,000 Black men aged 18 to 34, annual"
    baseline_value = Decimal("159.0")
    baseline_date = date(2024, 3, 31)
    target_value = Decimal("127.0")
    target_date = date(2028, 3, 31)
    owner = factory.SubFactory(UserFactory)
    achievable = "Funded crisis café"
    realistic = "In line with pilots"


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    project = factory.SubFactory(ProjectFactory)
    kind = "core.worker_check"


class ExtractFactory(factory.django.DjangoModelFactory):
    """A processed extract with no table on disk (pages read stored results only)."""

    class Meta:
        model = "identify.Extract"

    project = factory.SubFactory(ProjectFactory)
    uploaded_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Extract {n}")
    kind = "service_use"
    state = "ready"
    original_filename = "extract.csv"
    columns = factory.LazyFunction(lambda: ["EthnicCategory"])


class QualityReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "identify.QualityReport"

    extract = factory.SubFactory(ExtractFactory)
    report = factory.LazyFunction(
        lambda: {"rows": 10, "fields": {"ethnicity": {"label": "Ethnicity", "rows": 10, "completeness": 0.9}}}
    )


class BreakdownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "identify.Breakdown"

    extract = factory.SubFactory(ExtractFactory)
    dimension = "ethnicity_high"
    suppression_rule = "nhs"
    confidence = Decimal("0.95")
    result = factory.LazyFunction(
        lambda: {
            "dimension": "ethnicity_high",
            "label": "Ethnic group (high level)",
            "dimensions": ["ethnicity_high"],
            "reference": None,
            "summary": {},
            "rows": [
                {
                    "dimension": "ethnicity_high",
                    "group": "White",
                    "group_code": "WHITE",
                    "kind": "valid",
                    "count": 9,
                    "share": 0.9,
                    "share_lower": 0.6,
                    "share_upper": 0.98,
                    "suppressed": False,
                },
                {
                    "dimension": "ethnicity_high",
                    "group": "Not stated",
                    "group_code": "(not_stated)",
                    "kind": "not_stated",
                    "count": 1,
                    "share": 0.1,
                    "share_lower": 0.02,
                    "share_upper": 0.4,
                    "suppressed": False,
                },
            ],
        }
    )
    published = factory.LazyAttribute(lambda o: o.result)


# --- Identify 1B: work with communities ---------------------------------------


class SurveyFactory(factory.django.DjangoModelFactory):
    """A draft survey with no questions (add them with QuestionFactory)."""

    class Meta:
        model = "surveys.Survey"

    project = factory.SubFactory(ProjectFactory)
    created_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Survey {n}")
    introduction = "We want to hear about your experience of mental health services."
    privacy_notice = "Your answers are anonymous. We keep them for two years."
    consent_text = "I agree to take part."
    confirmation_text = "Thank you. We will share what we learn in the spring."
    include_equality = False


class QuestionFactory(factory.django.DjangoModelFactory):
    """A single-choice Yes/No question."""

    class Meta:
        model = "surveys.Question"

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n)
    kind = "single"
    text = factory.Sequence(lambda n: f"Question {n}?")
    options = factory.LazyFunction(lambda: [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}])


class QuestionBankItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.QuestionBankItem"

    organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory(UserFactory)
    kind = "single"
    text = factory.Sequence(lambda n: f"Bank question {n}?")
    options = factory.LazyFunction(lambda: [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}])


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Invitation"

    survey = factory.SubFactory(SurveyFactory)


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.SurveyResponse"

    survey = factory.SubFactory(SurveyFactory)
    channel = "open"
    consented = True


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Answer"

    response = factory.SubFactory(SurveyResponseFactory)
    question = factory.SubFactory(QuestionFactory)
    value = "yes"


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Theme"

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")


class FocusGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "identify.FocusGroup"

    project = factory.SubFactory(ProjectFactory)
    created_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Focus group {n}")
    held_on = date(2026, 10, 1)
    community_group = "Chapeltown Community Forum"
    attendees = 12


class CommunityInputLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "identify.CommunityInputLink"

    project = factory.SubFactory(ProjectFactory)


class CommunityInputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "identify.CommunityInput"

    project = factory.SubFactory(ProjectFactory)
    organisation_name = factory.Sequence(lambda n: f"Community group {n}")
    input = "People we work with wait a long time and do not know where to turn."


class CommunityAssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "identify.CommunityAsset"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Community asset {n}")
    kind = "organisation"
    postcode = "LS7 3HB"


# --- Research 2A evidence base and existing initiatives; 2C priorities ------------------


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research.Reference"

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"A study of crisis care {n}")
    authors = "Smith J; Khan A"
    year = 2020


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research.Initiative"

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Initiative {n}")
    sector = "vcse"
    owner = "Chapeltown Community Forum"


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research.Priority"

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Priority {n}")
    impact = "high"
    effort = "low"
    horizon = "short"


class PriorityViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research.PriorityView"

    priority = factory.SubFactory(PriorityFactory)
    member = factory.SubFactory(UserFactory)
    vote = "support"


# --- Research 2A: positive practice ------------------------------------------------------


def pdf_bytes(text: str = "Evaluation report") -> bytes:
    """A real, small, one-page PDF (with a correct cross-reference table)."""
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def docx_bytes(text: str = "Evaluation report", extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Word document (.docx), built with zipfile (python-docx is not a dependency)."""
    import io
    import zipfile

    parts = {
        "[Content_Types].xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            b'"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            b'document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>'
        ).encode(),
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


class CaseStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research.CaseStudy"

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SelfAttribute("project.organisation")
    created_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Case study {n}")
    action = "Mental health navigators based in community centres."
    delivery = "Run by a VCSE partner with the trust, funded for two years."
    impact = "More people from the community asked for help early."
    intervention_type = "where_people_live"
    setting = "community"
    area = "Leeds"
    evidence_strength = "monitored"


class CaseStudyAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research.CaseStudyAttachment"

    case_study = factory.SubFactory(CaseStudyFactory)
    file = factory.django.FileField(filename="report.pdf", data=pdf_bytes())
    filename = "report.pdf"
    kind = "pdf"
    size = factory.LazyAttribute(lambda o: o.file.size)


# --- Research 2B: driver diagrams and theories of change -----------------------------------


class DiagramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research.Diagram"

    project = factory.SubFactory(ProjectFactory)
    kind = "driver"
    title = factory.Sequence(lambda n: f"Driver diagram {n}")


class DiagramNodeFactory(factory.django.DjangoModelFactory):
    """A box with no parents: add them with `node.parents.set([...])` (the
    services check the rules; factories do not)."""

    class Meta:
        model = "research.DiagramNode"

    diagram = factory.SubFactory(DiagramFactory)
    kind = "aim"
    text = factory.Sequence(lambda n: f"Box {n}")


# --- Deliver 3A: strategy and interventions; 3C: risks and decisions -------------------------


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "deliver.Strategy"

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Strategy {n}")


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "deliver.Intervention"

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Intervention {n}")
    kind = "where_people_live"


class StrategyCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "deliver.StrategyComment"

    strategy = factory.SubFactory(StrategyFactory)
    member = factory.SubFactory(UserFactory)
    comment = "A comment"


class RiskFactory(factory.django.DjangoModelFactory):
    """A moderate risk (3 x 2 = 6) with a low target (1 x 2 = 2), due for review in a month.
    Give `owner` a lead or governance lead of the project (the services check it; factories do not)."""

    class Meta:
        model = "deliver.Risk"

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Risk {n}")
    likelihood = 3
    impact = 2
    target_likelihood = 1
    target_impact = 2
    review_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "deliver.Decision"

    project = factory.SubFactory(ProjectFactory)
    decided_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
    decision = factory.Sequence(lambda n: f"Decision {n}")
    made_by = "Mental health equality board"


class EiaFactory(factory.django.DjangoModelFactory):
    """An equality impact assessment of a strategy, with no versions: add one with EiaVersionFactory
    (or make it through deliver.eia.services.eia_create, which lists every characteristic)."""

    class Meta:
        model = "deliver.EqualityImpactAssessment"

    strategy = factory.SubFactory(StrategyFactory)
    project = factory.LazyAttribute(lambda o: o.strategy.project if o.strategy else o.intervention.strategy.project)


class EiaVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "deliver.EiaVersion"

    eia = factory.SubFactory(EiaFactory)
    number = 1


class MilestoneFactory(factory.django.DjangoModelFactory):
    """A milestone of the strategy, due in three months."""

    class Meta:
        model = "deliver.Milestone"

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))


class DeliveryActionFactory(factory.django.DjangoModelFactory):
    """An action in progress and on track (green), due in a month. Give `owner` a member of the
    project and a `milestone` due after it (the services check both; factories do not)."""

    class Meta:
        model = "deliver.DeliveryAction"

    intervention = factory.SubFactory(InterventionFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    status = "in_progress"
    rag = "green"


class ActionUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "deliver.ActionUpdate"

    action = factory.SubFactory(DeliveryActionFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
    status = "in_progress"
    rag = "green"
    note = "Started"


# --- Deliver 3A: resourcing; 3C: the governance structure ----------------------------------


class StaffRoleFactory(factory.django.DjangoModelFactory):
    """Half a post for the strategy as a whole, April 2026 to March 2027."""

    class Meta:
        model = "deliver.StaffRole"

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Role {n}")
    fte = Decimal("0.5")
    start_date = date(2026, 4, 1)
    end_date = date(2027, 3, 31)


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "deliver.Facility"

    strategy = factory.SubFactory(StrategyFactory)
    name = factory.Sequence(lambda n: f"Facility {n}")


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "deliver.BudgetLine"

    strategy = factory.SubFactory(StrategyFactory)
    description = factory.Sequence(lambda n: f"Budget line {n}")
    category = "staff"
    financial_year = 2026
    amount = Decimal("1000.00")


class GovernanceGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "deliver.GovernanceGroup"

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Board {n}")


class GovernanceMeetingFactory(factory.django.DjangoModelFactory):
    """A meeting in a fortnight."""

    class Meta:
        model = "deliver.GovernanceMeeting"

    group = factory.SubFactory(GovernanceGroupFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))


class NgtSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research.NgtSession"

    project = factory.SubFactory(ProjectFactory)
    question = factory.Sequence(lambda n: f"What would make it easier to get help early? ({n})")
    top_n = 3


class NgtParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research.NgtParticipant"

    session = factory.SubFactory(NgtSessionFactory)
    token = factory.Sequence(lambda n: f"participant-token-{n:04d}-abcdefgh")
    group = "lived"


class NgtIdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research.NgtIdea"

    session = factory.SubFactory(NgtSessionFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Idea {n}")


# --- Survey figures (stored results, amhe/surveys/figures.py) ---------------------------


def work_out_figures(survey):
    """Ask for the survey's figures and run the job as the worker would (services.job_run).
    Responses made with factories skip the services that ask for them."""
    from amhe.core import services as core_services
    from amhe.surveys import figures as survey_figures

    job = survey_figures.request_refresh(survey=survey)
    core_services.job_run(job_id=job.pk)
    return survey.__class__.objects.get(pk=survey.pk).figures


class MeasureRebaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluate.MeasureRebase"

    measure = factory.SubFactory(MeasureFactory)
    date = date(2024, 4, 1)
    reason = "A new service began"


def _own_instrument_definition():
    return {
        "name": "Feeling listened to",
        "kind": "PREM",
        "items": ["Staff listened to me", "I was treated with respect"],
        "options": [
            {"label": "Never", "score": 1},
            {"label": "Sometimes", "score": 2},
            {"label": "Always", "score": 3},
        ],
        "method": "mean",
        "reverse": [],
        "max_missing": 0,
        "bands": [],
        "positive": [],
        "higher_is_better": True,
        "source": "Written by the team",
    }


class InstrumentFactory(factory.django.DjangoModelFactory):
    """A team's own PREM (evaluate 4A)."""

    class Meta:
        model = "evaluate.Instrument"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Feeling listened to {n}")
    kind = "PREM"
    source = "Written by the team"
    definition = factory.LazyFunction(_own_instrument_definition)
    created_by = factory.SubFactory(UserFactory)


def _fft():
    from evaluate.instruments.catalogue import FFT

    return FFT


class SurveyInstrumentFactory(factory.django.DjangoModelFactory):
    """The Friends and Family Test asked in a survey (its question not made: an unanswered item)."""

    class Meta:
        model = "evaluate.SurveyInstrument"

    survey = factory.SubFactory(SurveyFactory)
    key = "fft"
    name = "Friends and Family Test"
    definition = factory.LazyFunction(lambda: dict(_fft()))
    questions = factory.LazyFunction(list)
    scores = factory.LazyFunction(dict)
    created_by = factory.SubFactory(UserFactory)


class YouSaidWeDidFactory(factory.django.DjangoModelFactory):
    """A draft "you said, we did" entry (4B)."""

    class Meta:
        model = "evaluate.YouSaidWeDid"

    project = factory.SubFactory(ProjectFactory)
    created_by = factory.SubFactory(UserFactory)
    you_said = "The wait for a call back was too long."
    we_did = "The crisis team now calls back within four hours."


class BenchmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluate.Benchmark"

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Recovery rate, benchmark {n}")
    kind = "proportion"
    polarity = "higher"
    period = "2024-25"
    england_value = Decimal("50.5")
    own_name = "Leeds"
    own_numerator = 170
    own_denominator = 380


class ComparatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluate.Comparator"

    benchmark = factory.SubFactory(BenchmarkFactory)
    name = factory.Sequence(lambda n: f"Peer area {n}")
    numerator = 450
    denominator = 940
    period = "2024-25"


def national_framework(key: str = "eds-2022"):
    """A shipped framework (EDS 2022 or PCREF), put back if a transactional test emptied the tables."""
    from evaluate.frameworks.services import ensure_national_frameworks
    from evaluate.models import Framework

    ensure_national_frameworks()
    return Framework.objects.get(organisation__isnull=True, key=key)


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A project's EDS 2022 self-assessment with every outcome not yet rated (as the service makes it)."""

    class Meta:
        model = "evaluate.Assessment"
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    framework = factory.LazyFunction(national_framework)
    period = factory.Sequence(lambda n: f"{2020 + n}/{(21 + n) % 100:02d}")
    assessed_on = date(2026, 2, 1)

    @factory.post_generation
    def ratings(obj, create, extracted, **kwargs):
        from evaluate.models import FrameworkItem, ItemRating

        if create:
            items = FrameworkItem.objects.filter(section__framework=obj.framework)
            ItemRating.objects.bulk_create(ItemRating(assessment=obj, item=item) for item in items)
