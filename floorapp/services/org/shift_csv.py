"""Shifts in and out as CSV: `login,date,start,end,zone`, one shift a row.

An import is all or nothing: if any row is bad, nothing is written and every bad row
is listed with its line number and reason, unless "skip bad rows" was chosen, when the
good rows are written and the bad ones listed. Importing the same file again adds
nothing: a row exactly like a shift already planned (same person, date, start, end and
zone) is counted as already there and skipped; a row that overlaps a different shift
of the same person is a bad row, so a changed plan is fixed by editing, not doubled.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from floorapp.errors import DomainError, InvalidInput
from floorapp.extensions import db
from floorapp.models import Store, User
from floorapp.services.core import audit
from floorapp.services.core.transactions import begin_write, rolls_back
from floorapp.services.metrics.exports import safe_cell
from floorapp.services.org import shifts
from floorapp.services.org.shifts import Draft

REQUIRED = ("login", "date", "start", "end")
COLUMNS = (*REQUIRED, "zone")
MAX_BYTES = 512 * 1024  # a store's week is a few hundred rows; half a megabyte is plenty
MAX_ROWS = 5000


@dataclass
class ImportReport:
    """What an import found and did: rows read, shifts added, rows already there, bad rows."""

    rows: int = 0
    added: int = 0
    already_there: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    applied: bool = False


def decode(data: bytes) -> str:
    """Return the upload as text, refusing one too big or not UTF-8."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"The file is over {MAX_BYTES // 1024} KB; split it by week.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The file is not UTF-8 text; export it as CSV UTF-8.") from None
    if "\x00" in text:
        raise InvalidInput("The file contains NUL characters; is it really a CSV file?")
    return text


def read_rows(text: str) -> list[tuple[int, dict]]:
    """Return each row with the line it ends on, refusing a wrong header or too many rows."""
    reader = csv.reader(io.StringIO(text))
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        raise InvalidInput(f"The first line must name the columns {', '.join(REQUIRED)} and "
                           "optionally zone, each once (e.g. login,date,start,end,zone).")
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise InvalidInput(f"The file has more than {MAX_ROWS} rows; split it by week.")
        padded = [cell.strip() for cell in cells] + [""] * (len(header) - len(cells))
        row = dict(zip(header, padded, strict=False))
        rows.append((reader.line_num, row | {"_extra": len(cells) > len(header)}))
    return rows


def check_row(store: Store, row: dict) -> Draft:
    """Return the row's Draft, or raise InvalidInput with the reason."""
    if row["_extra"]:
        raise InvalidInput("More cells than columns.")
    return shifts.check_draft(store, login=row["login"], day=row["date"], start=row["start"],
                              end=row["end"], zone=shifts.zone_by_name(store, row.get("zone", "")))


@rolls_back
def import_csv(store: Store, data: bytes, *, skip_bad_rows: bool, actor: User) -> ImportReport:
    """Check every row and write the good ones only if all are good or skipping was chosen."""
    rows = read_rows(decode(data))
    if not rows:
        raise InvalidInput("The file has a header but no shifts.")
    begin_write(store.id)
    report, good, seen = ImportReport(rows=len(rows)), [], set()
    for line, row in rows:
        try:
            draft = check_row(store, row)
            if draft.key() in seen or _already_planned(draft, store):
                report.already_there += 1
                continue
            _refuse_overlap_in_file(draft, good, store)
            shifts.refuse_overlap(draft, store)
        except DomainError as error:
            report.errors.append((line, error.message))
            continue
        seen.add(draft.key())
        good.append(draft)
    if report.errors and not skip_bad_rows:
        db.session.rollback()  # nothing was written; end the transaction and its lock
        return report
    for draft in good:
        shifts.add_draft(store, draft)
    report.added, report.applied = len(good), True
    audit.record(actor, "shift.import", store=store, added=report.added,
                 already_there=report.already_there, skipped=len(report.errors))
    db.session.commit()
    return report


def _already_planned(draft: Draft, store: Store) -> bool:
    other = shifts.overlapping(draft, store)
    return other is not None and shifts.shift_key(other) == draft.key()


def _refuse_overlap_in_file(draft: Draft, good: list[Draft], store: Store) -> None:
    for other in good:
        if other.user.id != draft.user.id:
            continue
        begin, end = draft.instants(store.timezone)
        other_begin, other_end = other.instants(store.timezone)
        if other_begin < end and begin < other_end:
            raise InvalidInput(f"Overlaps {draft.user.login}'s shift {other.day} "
                               f"{other.start:%H:%M}–{other.end:%H:%M} earlier in the file.")


def export_csv(store: Store, monday: date) -> str:
    """Return the week's shifts as CSV in the import's own format (re-importable as is)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for shift in shifts.week_shifts(store, monday):
        writer.writerow([shift.user.login, shift.local_date.isoformat(),
                         f"{shift.start_time:%H:%M}", f"{shift.end_time:%H:%M}",
                         safe_cell(shift.zone.name if shift.zone else "")])
    return buffer.getvalue()
