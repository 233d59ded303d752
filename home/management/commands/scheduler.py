"""The clock of a deployment: runs the scheduled jobs at their times, in one long-lived process
(the `scheduler` service of docker-compose.yml). One scheduler per deployment."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from portfolio.uploads import imports_stalled_fail, uploads_prune

logger = logging.getLogger(__name__)


def nightly_pass() -> None:
    """assessments_daily, queued: one task per workspace, which the workers share (a failing
    workspace fails its own task alone). The scheduler carries on to the next night either way."""
    close_old_connections()  # a connection kept since yesterday may be long dead
    try:
        call_command("assessments_daily", "--queue")
    except CommandError as error:
        logger.error("%s", error)
    finally:
        close_old_connections()


def imports_watch() -> None:
    """Imports whose worker died are marked failed (they can be tried again); uploads left
    unconfirmed for a day are deleted with their files."""
    close_old_connections()
    try:
        stalled, pruned = imports_stalled_fail(), uploads_prune()
        if stalled or pruned:
            logger.info(
                "Imports: %s stalled, marked failed; %s old uploads deleted", stalled, pruned
            )
    finally:
        close_old_connections()


# name -> (what it runs, the setting that holds its crontab line, or the line itself)
JOBS: dict[str, tuple[Callable[[], None], str]] = {
    "nightly_pass": (nightly_pass, "NIGHTLY_PASS_CRON"),
    "imports_watch": (imports_watch, "*/5 * * * *"),
}


def _line(source: str) -> str:
    return getattr(settings, source) if source.isupper() else source


# crontab counts weekdays from Sunday (0 or 7); APScheduler 3 from Monday. Names mean the same
# to both, so the weekday field is handed over as names.
WEEKDAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _weekday_number(text: str) -> int:
    if text.lower() in WEEKDAY_NAMES:
        return WEEKDAY_NAMES.index(text.lower())
    if text.isdigit() and 0 <= int(text) <= 7:
        return int(text) % 7
    raise ValueError(f"{text!r} is not a weekday")


def cron_weekdays(field: str) -> str:
    """A crontab weekday field ("1-5", "0,6", "*/2", "mon-fri") as the names of its days."""
    days: set[int] = set()
    for part in field.split(","):
        span, _, step = part.partition("/")
        if span == "*":
            first, last = 0, 6
        else:
            low, _, high = span.partition("-")
            first = _weekday_number(low)
            last = _weekday_number(high) if high else (6 if step else first)
            if high == "7":
                last = 7
        every = int(step) if step.isdigit() and int(step) > 0 else None
        if step and every is None:
            raise ValueError(f"{part!r} has no valid step")
        days |= {day % 7 for day in range(first, last + 1, every or 1)}
    return ",".join(WEEKDAY_NAMES[day] for day in sorted(days))


def crontab_trigger(line: str) -> CronTrigger:
    """A trigger for a crontab line (minute hour day month weekday), in UTC, with weekdays as
    cron reads them: "30 4 * * 1" is Mondays at 04:30."""
    fields = line.split()
    if len(fields) != 5:
        raise ValueError(f"a crontab line has 5 fields, not {len(fields)}")
    minute, hour, day, month, weekday = fields
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week="*" if weekday == "*" else cron_weekdays(weekday),
        timezone="UTC",
    )


def triggers() -> dict[str, CronTrigger]:
    """Each job's trigger from the crontab line in its setting."""
    found = {}
    for name, (_, source) in JOBS.items():
        line = _line(source)
        try:
            found[name] = crontab_trigger(line)
        except ValueError as error:
            raise CommandError(f"{source}={line!r} is not a crontab line: {error}") from error
    return found


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs at their times, until stopped: the nightly pass at "
        "NIGHTLY_PASS_CRON (a crontab line in UTC, default '15 3 * * *'), and every five "
        "minutes the watch over imports (those whose worker died are marked failed, uploads "
        "left for a day deleted). A night missed while it was stopped is not made up: run "
        "assessments_daily by hand (it is safe to run twice)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--list", action="store_true", help="Print each job's next run and exit."
        )

    def handle(self, *args, **options) -> None:
        planned = triggers()
        if options["list"]:
            for name, trigger in planned.items():
                next_run = trigger.get_next_fire_time(None, timezone.now())
                self.stdout.write(f"{name}: next run {next_run:%Y-%m-%d %H:%M} UTC")
            return
        scheduler = BlockingScheduler(timezone="UTC")
        for name, trigger in planned.items():
            scheduler.add_job(
                JOBS[name][0],
                trigger,
                id=name,
                max_instances=1,  # a slow night never overlaps the next
                coalesce=True,  # several missed runs make one
                misfire_grace_time=60 * 60,  # late by up to an hour (a busy host): still run
            )
        self.stdout.write(f"Scheduler started with {len(planned)} job(s).")
        with contextlib.suppress(KeyboardInterrupt, SystemExit):  # stopped: nothing to say
            scheduler.start()
