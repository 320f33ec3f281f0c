"""Load demonstration data: two organisations, one user per role, and a demo
project per organisation built from NHS England's Mental Health Act
Statistics 2023-24 (see amhe/core/data/README.md). Safe to run again: it
updates what it created before and adds nothing twice.
"""

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from amhe.core import demo, services
from amhe.core.models import (
    Measure,
    MeasureValue,
    Organisation,
    Population,
    Project,
    Role,
    SmartGoal,
    SubStepStatus,
    User,
)

DEMO_PASSWORD = "Equality-Demo-2026"  # noqa: S105 - documented demo logins, refused outside DEBUG
DATA = Path(__file__).resolve().parents[2] / "data" / "demo" / "mha_detentions_by_ethnicity_2023_24.csv"
SOURCE = "NHS England, Mental Health Act Statistics, Annual Figures 2023-24 (All detentions), OGL v3.0"
YEAR_START, YEAR_END = date(2023, 4, 1), date(2024, 3, 31)
HIGH_LEVEL_GROUPS = ["Asian or Asian British", "Black or Black British", "Mixed", "Other Ethnic Groups", "White"]


@dataclass(frozen=True)
class DemoOrg:
    name: str
    kind: str
    ods_code: str
    email_domain: str
    icb_code: str
    icb_name: str
    project_name: str
    area: str
    area_code: str
    population_name: str
    population_area: str
    people: tuple[str, str, str, str, str]  # lead, analyst, panel member, governance lead, viewer


WEST_YORKSHIRE = DemoOrg(
    name="West Yorkshire ICB (demo)",
    kind=Organisation.Kind.ICB,
    ods_code="QWO",
    email_domain="wy-icb.example",
    icb_code="QWO",
    icb_name="West Yorkshire ICB",
    project_name="Fairer use of the Mental Health Act in Leeds",
    area="Leeds",
    area_code="E08000035",
    population_name="Black African and Caribbean men aged 18 to 34 in Leeds",
    population_area="Leeds",
    people=("Amara Okafor", "Tom Hughes", "Desmond Clarke", "Priya Shah", "Sam Taylor"),
)
GREATER_MANCHESTER = DemoOrg(
    name="Greater Manchester ICB (demo)",
    kind=Organisation.Kind.ICB,
    ods_code="QOP",
    email_domain="gm-icb.example",
    icb_code="QOP",
    icb_name="Greater Manchester ICB",
    project_name="Equal access to crisis care in Manchester",
    area="Manchester",
    area_code="E08000003",
    population_name="Black and mixed-heritage adults in Manchester",
    population_area="Manchester",
    people=("Grace Mensah", "Liam Walsh", "Marcus Brown", "Hannah Patel", "Joe Wright"),
)

ROLE_USERS = [  # role, email prefix
    (Role.LEAD, "lead"),
    (Role.ANALYST, "analyst"),
    (Role.PANEL, "panel"),
    (Role.GOVERNANCE, "governance"),
    (Role.VIEWER, "viewer"),
]


def read_rows() -> list[dict]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def rate_for(rows, org_id, group) -> tuple[Decimal | None, int | None]:
    for row in rows:
        if row["OrgID"] == org_id and row["Demographic"] == "Ethnicity" and row["DemographicBreakdown"] == group:
            rate = Decimal(row["CrudeRate"]) if row["CrudeRate"] else None
            count = int(float(row["Total_Count"])) if row["Total_Count"] else None
            return rate, count
    return None, None


class Command(BaseCommand):
    help = "Load demo organisations, users (one per role), projects and public data. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo accounts even with DEBUG off (they have a published password: never on a live site).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Demo accounts share a published password, so load_demo only runs with DEBUG=1. "
                "Use --allow-production for a throwaway demonstration server."
            )
        rows = read_rows()
        with transaction.atomic():
            admin = self._user("admin@amhe.example", "Demo Administrator", None)
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])
            for org_def in (WEST_YORKSHIRE, GREATER_MANCHESTER):
                self._load_org(org_def, rows)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. Every demo account's password is {DEMO_PASSWORD}"))
        for user in User.objects.filter(email__endswith=".example").order_by("email"):
            self.stdout.write(f"  {user.email}")

    def _user(self, email, full_name, organisation) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name, organisation=organisation)
        else:
            user.full_name = full_name
            user.organisation = organisation
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user

    def _load_org(self, d: DemoOrg, rows):
        org, _ = Organisation.objects.update_or_create(name=d.name, defaults={"kind": d.kind, "ods_code": d.ods_code})
        users = {
            role: self._user(f"{prefix}@{d.email_domain}", name, org)
            for (role, prefix), name in zip(ROLE_USERS, d.people, strict=True)
        }
        lead = users[Role.LEAD]
        lead.user_permissions.add(Permission.objects.get(content_type__app_label="core", codename="add_project"))

        population = Population.objects.filter(organisation=org, name=d.population_name).first()
        if population is None:
            population = services.population_create(
                by=lead,
                organisation=org,
                name=d.population_name,
                area=d.population_area,
                description="Focus population for the demo project.",
                criteria=[
                    {"code_list": "nhs_ethnic_category", "codes": ["M", "N", "P"]},
                    {"code_list": "person_stated_gender", "codes": ["1"]},
                    {"code_list": "age_band_mh", "codes": ["18-24", "25-34"]},
                ],
            )

        project = Project.objects.filter(organisation=org, name=d.project_name, cycle_number=1).first()
        if project is None:
            project = services.project_create(
                by=lead,
                organisation=org,
                name=d.project_name,
                area=d.area,
                area_code=d.area_code,
                description=(
                    f"Black people in England are detained under the Mental Health Act at about 3.5 times "
                    f"the rate of White people. This demo project looks at what {d.icb_name} can do about it."
                ),
                focus_populations=[population],
                start_date=date(2025, 4, 1),
            )
        for role, user in users.items():
            services.membership_set(by=lead, project=project, user=user, role=role)

        measures = {}
        for group in HIGH_LEVEL_GROUPS:
            measure, _ = Measure.objects.update_or_create(
                project=project,
                name=f"Detentions per 100,000, {group}, {d.icb_name}",
                defaults={
                    "unit": Measure.Unit.RATE_100K,
                    "direction": Measure.Direction.LOWER,
                    "source": SOURCE,
                    "description": "Crude rate of detention under the Mental Health Act per 100,000 population.",
                    "definition": {"dataset": "mha_annual", "org_id": d.icb_code, "ethnicity_high": group},
                },
            )
            rate, count = rate_for(rows, d.icb_code, group)
            MeasureValue.objects.update_or_create(
                measure=measure,
                period_start=YEAR_START,
                period_end=YEAR_END,
                defaults={"value": rate, "numerator": count, "suppressed": rate is None},
            )
            measures[group] = measure

        black_rate, _ = rate_for(rows, d.icb_code, "Black or Black British")
        white_rate, _ = rate_for(rows, d.icb_code, "White")
        england_black, _ = rate_for(rows, "All prov", "Black or Black British")
        england_white, _ = rate_for(rows, "All prov", "White")
        ratio = Measure.objects.update_or_create(
            project=project,
            name=f"Detention rate ratio, Black or Black British to White, {d.icb_name}",
            defaults={
                "unit": Measure.Unit.RATIO,
                "direction": Measure.Direction.CLOSER_TO_ONE,
                "source": SOURCE,
                "description": (
                    "Crude detention rate for Black or Black British people divided by the rate for White people. "
                    f"England 2023-24: {england_black} / {england_white} = {england_black / england_white:.2f}."
                ),
                "definition": {
                    "dataset": "mha_annual",
                    "org_id": d.icb_code,
                    "numerator_group": "Black or Black British",
                    "reference_group": "White",
                },
            },
        )[0]
        ratio_value = (black_rate / white_rate).quantize(Decimal("0.01"))
        MeasureValue.objects.update_or_create(
            measure=ratio, period_start=YEAR_START, period_end=YEAR_END, defaults={"value": ratio_value}
        )

        goal = SmartGoal.objects.filter(project=project, measure=measures["Black or Black British"]).first()
        if goal is None:
            goal = SmartGoal(project=project, measure=measures["Black or Black British"])
        goal.statement = (
            f"Reduce detentions under the Mental Health Act among Black or Black British people in {d.area} "
            "by offering earlier, culturally appropriate crisis support."
        )
        goal.population = population
        goal.baseline_value = black_rate
        goal.baseline_date = YEAR_END
        goal.target_value = (black_rate * Decimal("0.8")).quantize(Decimal("0.1"))
        goal.target_date = date(2028, 3, 31)
        goal.owner = lead
        goal.achievable = "Funded community crisis café and peer-support workers from the VCSE sector from 2026."
        goal.realistic = "A 20% fall over four years is in line with what early-intervention pilots have reported."
        if not services.needs_approval(goal):
            # Agreed by the lead the first time; a change made since is agreed only through approval.
            goal.status = SmartGoal.Status.AGREED
        services.smart_goal_save(by=lead, goal=goal)

        draft = SmartGoal.objects.filter(project=project, measure=ratio).first() or SmartGoal(
            project=project, measure=ratio
        )
        draft.statement = "Bring the detention rate ratio between Black and White people closer to 1."
        draft.baseline_value = ratio_value
        draft.baseline_date = YEAR_END
        draft.status = SmartGoal.Status.DRAFT
        services.smart_goal_save(by=lead, goal=draft)

        for loader in demo.loaders():
            loader(project=project, users=users, stdout=self.stdout)

        if SubStepStatus.objects.filter(project=project, code="1A", state=SubStepStatus.State.NOT_STARTED).exists():
            services.substep_update(
                by=lead,
                project=project,
                code="1A",
                state=SubStepStatus.State.DONE,
                note="Mental Health Act detentions by ethnicity reviewed (NHS England, 2023-24).",
            )
            services.substep_update(
                by=lead,
                project=project,
                code="1B",
                state=SubStepStatus.State.IN_PROGRESS,
                note="Community listening events being arranged with local VCSE partners.",
            )
