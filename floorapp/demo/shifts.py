"""Next week's shifts for the demo stores, so the planner and the staffing plan show something.

Monday to Saturday, the first half of each store's associates opens (10:00–18:00) and
the rest close (13:00–21:00); Sunday is left unplanned, for a newcomer to try the form.
"""

from datetime import time, timedelta

from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import Role, Shift, Store, User
from floorapp.services.metrics.periods import local_today
from floorapp.services.org.shift_times import next_week

OPENING, CLOSING = (time(10), time(18)), (time(13), time(21))


def plan_demo_week(store: Store) -> None:
    """Add next week's demo shifts of `store` (the caller commits)."""
    monday = next_week(local_today(store.timezone))
    people = list(db.session.scalars(select(User).where(
        User.home_store_id == store.id, User.role == Role.ASSOCIATE).order_by(User.login)))
    for number, person in enumerate(people):
        start, end = OPENING if number < len(people) / 2 else CLOSING
        zone = store.zones[number % len(store.zones)]
        for day in range(6):
            db.session.add(Shift(store_id=store.id, user_id=person.id, zone_id=zone.id,
                                 local_date=monday + timedelta(days=day), start_time=start,
                                 end_time=end))
