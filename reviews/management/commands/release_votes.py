from django.core.management.base import BaseCommand

from reviews import services


class Command(BaseCommand):
    help = (
        "Periodic job: count the held votes of accounts that have come of age (VOTE_HOLD_DAYS) "
        "and age the time windows (votes older than 7 days leave `trend`, older than 12 months "
        "leave the `recent` counters). Safe to run at any time and as often as you like."
    )

    def handle(self, *args, **options):
        released = services.votes_release_due()
        aged = services.windows_age()
        self.stdout.write(
            self.style.SUCCESS(f"{released} held vote(s) released; {aged} window flag(s) aged out.")
        )
