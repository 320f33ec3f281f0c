"""What a page says about an approval (amhe.core.approvals.status), for any request:
one state in words, "approved" only while nothing changed since, comments kept, and the
people named by name only."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from amhe.core import approvals
from amhe.core.models import Approval, User

MOMENT = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
LABELS = {
    "submitted": "Submitted, awaiting approval",
    "returned": "Returned with comments",
    "approved": "Approved",
    "changed": "Changed since approval",
}


@given(
    state=st.sampled_from(Approval.State.values),
    changed=st.booleans(),
    comment=st.text(max_size=40),
    named=st.booleans(),
)
def test_status_says_one_state_in_words(state, changed, comment, named):
    submitter = User(full_name="Sam Lead", email="sam@example.nhs.uk") if named else None
    decider = User(full_name="Ola Governance", email="ola@example.nhs.uk")
    approval = Approval(state=state, submitted_by=submitter, submitted_at=MOMENT, comment=comment)
    if state != Approval.State.SUBMITTED:
        approval.decided_by, approval.decided_at = decider, MOMENT + timedelta(days=1)
    if changed:
        approval.changed_at = MOMENT + timedelta(days=2)
    status = approvals.status(approval)
    expected = "changed" if state == "approved" and changed else state
    assert status.label == LABELS[expected]
    assert status.approved == (expected == "approved")
    assert status.waiting == (state == "submitted")
    assert ("then changed on 9 December 2026" in status.detail) == (expected == "changed")
    assert "@" not in status.detail  # names only
    if state != "submitted":
        assert "Ola Governance" in status.detail and status.comment == comment
    else:
        assert ("Sam Lead" if named else "no longer on the app") in status.detail


def test_never_submitted():
    status = approvals.status(None)
    assert (status.label, status.waiting, status.approved) == ("Not submitted for approval", False, False)
