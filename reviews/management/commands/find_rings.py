from django.core.management.base import BaseCommand

from reviews import services


class Command(BaseCommand):
    help = (
        "Periodic job: search the votes of the last 60 days for vote rings and keep the result "
        "for the admin's Vote rings page (in place of the last one). Takes seconds at a large "
        "size; safe to run at any time."
    )

    def handle(self, *args, **options):
        scan = services.ring_scan_record()
        said = (
            f"{len(scan.clusters)} suspicious group(s) among {scan.votes} vote(s), "
            f"{scan.candidates} pair(s) of accounts examined, in {scan.seconds:.1f} s"
        )
        if scan.skipped_count:
            said += f"; {scan.skipped_count} framework-day(s) left out as too popular"
        self.stdout.write(self.style.SUCCESS(said + "."))
