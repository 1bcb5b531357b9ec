"""Property-based: random sequences of moves keep the help request's invariants.

Invariants after every step: at most one holder (and only while claimed or helping),
resolved implies reached, the clock's timestamps never go backwards, and every change
of status has its event (the log replays to the stored status).
"""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select

from floorapp.errors import DomainError
from floorapp.extensions import db
from floorapp.models import Availability, Event, HelpRequest, Role, Status
from floorapp.services import escalation, help_intake, help_queue
from tests.factories import make_sign, make_submission, make_user

HOLDING = (Status.CLAIMED, Status.HELPING)
MOVES = ("claim", "arrive", "resolve", "release", "handoff", "cancel", "expire")


def _machine(app):
    return type("HelpRequestMachine", (HelpRequestMachine,), {"app": app})


def _move(move, store_id, request_id, actor, colleague, now):
    """Call one service move with the arguments it takes."""
    if move == "resolve":
        return help_queue.resolve(store_id, request_id, actor, "helped", now=now)
    if move == "handoff":
        return help_queue.handoff(store_id, request_id, actor, colleague.id, now=now)
    if move in ("cancel", "expire"):
        return getattr(help_queue, move)(store_id, request_id, now=now)
    return getattr(help_queue, move)(store_id, request_id, actor, now=now)


class HelpRequestMachine(RuleBasedStateMachine):
    """Drives the real services on a real database with a fake clock."""

    app = None

    @initialize()
    def setup(self):
        self.context = self.app.app_context()
        self.context.push()
        for table in reversed(db.metadata.sorted_tables):  # each example starts empty
            db.session.execute(table.delete())
        db.session.commit()
        self.now = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
        self.sign = make_sign()
        self.store_id = self.sign.zone.store_id
        self.staff = [make_user(store=self.sign.zone.store) for _ in range(3)]
        self.staff.append(make_user(store=self.sign.zone.store, role=Role.MANAGER))
        for person in self.staff:
            person.availability = Availability.ON_FLOOR
        db.session.commit()
        self.requests: list[int] = []

    def teardown(self):
        db.session.remove()
        self.context.pop()

    def _tick(self, seconds: int) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now

    @rule(seconds=st.integers(0, 400))
    def submit(self, seconds):
        help_request, _ = help_intake.submit(self.sign.token, make_submission(),
                                             now=self._tick(seconds))
        self.requests.append(help_request.id)

    @rule(move=st.sampled_from(MOVES), pick=st.integers(0, 50), who=st.integers(0, 3),
          other=st.integers(0, 3), seconds=st.integers(0, 400))
    def act(self, move, pick, who, other, seconds):
        if not self.requests:
            return
        request_id = self.requests[pick % len(self.requests)]
        actor, colleague = self.staff[who], self.staff[other]
        now = self._tick(seconds)
        try:
            _move(move, self.store_id, request_id, actor, colleague, now)
        except DomainError:
            db.session.rollback()

    @rule(seconds=st.integers(0, 900))
    def tick(self, seconds):
        escalation.tick(now=self._tick(seconds))

    @invariant()
    def every_request_is_consistent(self):
        if not getattr(self, "requests", None):
            return
        for help_request in db.session.scalars(
                select(HelpRequest).where(HelpRequest.id.in_(self.requests))):
            _check(help_request)


def _check(help_request: HelpRequest) -> None:
    # One holder while claimed or helping, kept as a record once resolved; none while
    # waiting. A cancelled or expired request keeps whoever was on the way, for history.
    if help_request.status in (*HOLDING, Status.RESOLVED):
        assert help_request.claimed_by_id is not None
    if help_request.status is Status.WAITING:
        assert help_request.claimed_by_id is None
    if help_request.status is Status.RESOLVED:
        assert help_request.reached_at is not None and help_request.outcome is not None
    clock = [help_request.requested_at, help_request.acknowledged_at, help_request.reached_at,
             help_request.resolved_at]
    present = [moment for moment in clock if moment is not None]
    assert present == sorted(present)
    events = list(db.session.scalars(select(Event).where(Event.request_id == help_request.id)
                                     .order_by(Event.id)))
    status = None
    for event in events:
        assert event.from_status == status or (event.from_status == event.to_status == status)
        status = event.to_status
    assert status == help_request.status.value
    assert [e.at for e in events] == sorted(e.at for e in events)


def test_random_sequences_of_moves_keep_the_invariants(make_app):
    app = make_app()
    machine = _machine(app)
    machine.TestCase.settings = settings(max_examples=10, stateful_step_count=20, deadline=None,
                                         suppress_health_check=list(HealthCheck))
    machine.TestCase().runTest()
