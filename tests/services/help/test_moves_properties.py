"""A property-based test of the help-request state machine (hypothesis, stateful).

Random sequences of submits, claims, arrivals, resolutions, releases, hand-offs,
cancellations and expiries by several associates are run against the real service
and a small model of what should happen. After every step the database must agree
with the model and keep the invariants: at most one holder, resolved implies reached,
timestamps never decrease, every state change has its event.
"""

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from floorapp.errors import DomainError
from floorapp.extensions import db
from floorapp.models import Event, HelpRequest, Status
from floorapp.services.help import availability, intake, moves
from tests.factories import make_sign, make_store, make_user

W, C, H = Status.WAITING, Status.CLAIMED, Status.HELPING
LEGAL = {(None, W), (W, C), (C, H), (H, Status.RESOLVED), (C, W), (C, C), (H, H),
         (W, Status.CANCELLED), (C, Status.CANCELLED), (W, Status.EXPIRED),
         (C, Status.EXPIRED)}
ASSOCIATES = 3
_stores = itertools.count(1)


class HelpQueueMachine(RuleBasedStateMachine):
    """Drive the service; keep the expected status and holder of every request."""

    requests = Bundle("requests")

    def __init__(self):
        super().__init__()
        store = make_store(code=f"PBT-{next(_stores)}", zones=("Shoes",))
        self.store_id, self.sign_token = store.id, make_sign(zone=store.zones[0]).token
        self.clock = datetime(2026, 3, 7, 15, 0, tzinfo=UTC)
        self.associate_ids = []
        for number in range(ASSOCIATES):
            user = make_user(login=f"pbt{store.id}-{number}", store=store)
            availability.set_availability(user, "on_floor", now=self.clock)
            self.associate_ids.append(user.id)
        self.expected = {}  # request id -> (status, holder id)
        self.changes = {}  # request id -> how many status changes so far

    def tick(self) -> datetime:
        self.clock += timedelta(seconds=7)
        return self.clock

    def user(self, index: int):
        from floorapp.models import User

        return db.session.get(User, self.associate_ids[index])

    def attempt(self, request_id: int, allowed: bool, action, new_state=None) -> None:
        """Run `action`; it must succeed exactly when the model allows the move."""
        try:
            action()
        except DomainError:
            db.session.rollback()
            assert not allowed, "the service refused a legal move"
            return
        assert allowed, "the service accepted an illegal move"
        before = self.expected[request_id]
        self.expected[request_id] = new_state
        if new_state[0] is not before[0] or new_state[0] in (C, H):
            self.changes[request_id] += 1

    @rule(target=requests)
    def submit(self):
        submission = intake.parse_submission({"need": "find_size"})
        help_request, _ = intake.submit(self.sign_token, submission, now=self.tick())
        self.expected[help_request.id] = (W, None)
        self.changes[help_request.id] = 1
        return help_request.id

    @rule(request_id=requests, who=st.integers(0, ASSOCIATES - 1))
    def claim(self, request_id, who):
        status, _ = self.expected[request_id]
        self.attempt(request_id, status is W,
                     lambda: moves.claim(self.store_id, request_id, self.user(who),
                                              now=self.tick()),
                     (C, self.associate_ids[who]))

    @rule(request_id=requests, who=st.integers(0, ASSOCIATES - 1))
    def arrive(self, request_id, who):
        status, holder = self.expected[request_id]
        me = self.associate_ids[who]
        self.attempt(request_id, status is C and holder == me,
                     lambda: moves.arrive(self.store_id, request_id, self.user(who),
                                               now=self.tick()),
                     (H, me))

    @rule(request_id=requests, who=st.integers(0, ASSOCIATES - 1),
          outcome=st.sampled_from(["helped", "sold", "out_of_stock", "customer_gone"]))
    def resolve(self, request_id, who, outcome):
        status, holder = self.expected[request_id]
        me = self.associate_ids[who]
        self.attempt(request_id, status is H and holder == me,
                     lambda: moves.resolve(self.store_id, request_id, self.user(who),
                                                outcome, now=self.tick()),
                     (Status.RESOLVED, me))

    @rule(request_id=requests, who=st.integers(0, ASSOCIATES - 1))
    def release(self, request_id, who):
        status, holder = self.expected[request_id]
        me = self.associate_ids[who]
        self.attempt(request_id, status is C and holder == me,
                     lambda: moves.release(self.store_id, request_id, self.user(who),
                                                now=self.tick()),
                     (W, None))

    @rule(request_id=requests, giver=st.integers(0, ASSOCIATES - 1),
          receiver=st.integers(0, ASSOCIATES - 1))
    def handoff(self, request_id, giver, receiver):
        status, holder = self.expected[request_id]
        me, them = self.associate_ids[giver], self.associate_ids[receiver]
        self.attempt(request_id, status in (C, H) and holder == me and me != them,
                     lambda: moves.handoff(self.store_id, request_id, self.user(giver),
                                                them, now=self.tick()),
                     (status, them))

    @rule(request_id=requests)
    def cancel(self, request_id):
        status, holder = self.expected[request_id]
        self.attempt(request_id, status in (W, C),
                     lambda: moves.cancel(self.store_id, request_id, now=self.tick()),
                     (Status.CANCELLED, holder))

    @rule(request_id=requests)
    def expire(self, request_id):
        status, holder = self.expected[request_id]
        self.attempt(request_id, status in (W, C),
                     lambda: moves.expire(self.store_id, request_id, now=self.tick()),
                     (Status.EXPIRED, holder))

    @invariant()
    def database_agrees_with_the_model(self):
        db.session.expire_all()
        for request_id, (status, holder) in self.expected.items():
            help_request = db.session.get(HelpRequest, request_id)
            assert help_request.status is status
            if status in (W, C, H):
                assert help_request.claimed_by_id == holder  # one holder, or none waiting
            self.check_clock(help_request)
            self.check_events(help_request)

    def check_clock(self, help_request: HelpRequest) -> None:
        stamps = [help_request.requested_at, help_request.acknowledged_at,
                  help_request.reached_at, help_request.resolved_at]
        present = [stamp for stamp in stamps if stamp is not None]
        assert present == sorted(present), "the clock went backwards"
        if help_request.status is Status.RESOLVED:
            assert help_request.reached_at is not None, "resolved without being reached"
        if help_request.reached_at is not None:
            assert help_request.acknowledged_at is not None

    def check_events(self, help_request: HelpRequest) -> None:
        events = db.session.scalars(db.select(Event).where(Event.request_id == help_request.id)
                                    .order_by(Event.id)).all()
        path = [(e.from_status and Status(e.from_status), Status(e.to_status)) for e in events
                if e.kind.value not in ("escalated", "rated")]
        assert all(step in LEGAL for step in path), path
        assert path[-1][1] is help_request.status
        assert len(path) == self.changes[help_request.id]
        times = [e.at for e in events]
        assert times == sorted(times)

    def teardown(self):
        db.session.remove()


def test_the_help_queue_keeps_its_invariants_under_any_sequence_of_moves(app):
    with app.app_context():
        run_state_machine_as_test(HelpQueueMachine, settings=settings(
            max_examples=25, stateful_step_count=30, deadline=None,
            suppress_health_check=list(HealthCheck)))
