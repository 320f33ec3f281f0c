"""Demo data for the 3C governance structure (Leeds only): a programme board
reporting to the ICB quality committee, with a working group under it, and
their meeting dates (past and to come), all through the services. Made up for
the demo and marked illustrative."""

import datetime

from django.utils import timezone

from amhe.core.models import Role
from deliver.governance import selectors, services

DAY = datetime.timedelta(days=1)


def load(*, project, users, stdout) -> None:
    if selectors.group_choices(project).exists():
        return
    lead = users[Role.LEAD]
    governance = users.get(Role.GOVERNANCE, lead)
    today = timezone.localdate()
    committee = services.group_create(
        by=lead,
        project=project,
        name="ICB quality committee (illustrative)",
        purpose="Assures the quality and equality of the mental health services the ICB commissions.",
        terms_of_reference=(
            "Remit: quality and equality of commissioned mental health services.\n"
            "Quorum: the chair or vice-chair and three members, one of them clinical.\n"
            "Meets every two months; reports to the ICB board."
        ),
        chair=None,
        external_members="Dr A Patel, ICB medical director (illustrative)\nJ Okafor, lay member (illustrative)",
    )
    board = services.group_create(
        by=lead,
        project=project,
        name="Mental health equality programme board (illustrative)",
        purpose="Oversees the strategy to reduce racial disparities in detentions and crisis care in Leeds.",
        terms_of_reference=(
            "Remit: agree the strategy and its changes, track its actions and risks, and sign off "
            "equality impact assessments.\n"
            "Quorum: the chair and two members.\n"
            "Meets monthly; reports to the ICB quality committee."
        ),
        reports_to=committee,
        chair=governance,
        members=[user for user in (lead, governance) if user is not None],
        external_members="Community representative, Touchstone (illustrative)",
    )
    working = services.group_create(
        by=lead,
        project=project,
        name="Evening peer support working group (illustrative)",
        purpose="Plans and runs the evening peer support service.",
        reports_to=board,
        chair=lead,
        members=[lead],
    )
    for group, days in ((committee, (-40, 20)), (board, (-35, -5, 25)), (working, (-12, 9))):
        for offset in days:
            services.meeting_create(
                by=lead,
                group=group,
                date=today + offset * DAY,
                notes="Minutes circulated (illustrative)." if offset < 0 else "",
            )
    stdout.write(f"  {project.name}: 3 governance groups with meeting dates")
