"""Re-sum the monthly rollups of the three rates (by default the last 13 months)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jiceng.appeals.selectors import rates as selectors
from jiceng.appeals.services.rates import rollup_refresh


class Command(BaseCommand):
    help = "Re-sum the monthly rollups of the three rates (三率月度汇总)."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="one month, YYYY-MM")
        parser.add_argument("--months", type=int, default=13, help="the last N months up to this one")

    def handle(self, *args, **options):
        try:
            periods = ([selectors.parse_period(options["period"])] if options["period"]
                       else selectors.last_periods(selectors.current_period(), max(options["months"], 1)))
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        for period in periods:
            state = rollup_refresh(period)
            self.stdout.write(f"{period}: {state.rows} rows in {state.seconds:.2f} s")
