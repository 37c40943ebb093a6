"""Mark the no-shows of ended sessions and pause residents who reached the limit (idempotent: run it
from cron or a timer every few minutes)."""

from django.core.management.base import BaseCommand

from jiceng.centers.services.bookings import no_shows_mark
from jiceng.core.scope import system_actor


class Command(BaseCommand):
    help = "Mark no-shows of ended sessions and pause booking after repeated no-shows."

    def handle(self, *args, **options):
        result = no_shows_mark(system_actor("mark_no_shows"))
        self.stdout.write(f"sessions {result['sessions']}, no-shows {result['no_shows']}, paused {result['paused']}")
