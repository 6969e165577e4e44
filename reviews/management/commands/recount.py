from django.core.management.base import BaseCommand, CommandError

from reviews.counters import counter_drift, recount_all, rows_in


class Command(BaseCommand):
    help = "Recompute every counter (votes, score, reviews, stars, helpful, reports) from the rows."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; print the drift and exit non-zero when any counter is wrong.",
        )

    def handle(self, *args, check=False, **options):
        drift = counter_drift()
        for line in drift:
            self.stdout.write(
                f"{line.model} {line.label}: {line.field} {line.stored} != {line.true}"
            )
        if check:
            if drift:
                raise CommandError(f"{len(drift)} counter(s) drifted.")
            self.stdout.write(self.style.SUCCESS("All counters match the rows."))
            return
        fixed = rows_in(recount_all())
        self.stdout.write(self.style.SUCCESS(f"Recounted; {fixed} row(s) corrected."))
