from django.core.management.base import BaseCommand
from django.db import transaction

from catalog.models import Framework
from catalog.seed import FIXTURE_PATH, load_fixture


class Command(BaseCommand):
    help = (
        f"Add the seed frameworks from {FIXTURE_PATH.name} that are missing. Never overwrites a "
        "framework that exists (matched by slug, name or seed rank), so curators' edits and "
        "counters survive."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        entries = load_fixture()
        # A curator may have renamed a seed framework or changed its slug: any one of its unique
        # fields already taken means it is present, and adding it again would break the constraint.
        unique = ("slug", "name", "seed_rank")
        taken = {item for row in Framework.objects.values(*unique) for item in row.items()}
        added = {}
        for entry in entries:
            if taken.intersection((field, entry[field]) for field in unique):
                continue
            framework = Framework.objects.create(
                name=entry["name"],
                slug=entry["slug"],
                website=entry["website"],
                description=entry["description"],
                drawbacks=entry["drawbacks"],
                seed_rank=entry["seed_rank"],
                status=entry["status"],
            )
            framework.tags.set(entry["tags"])
            added[entry["slug"]] = framework
        # Links to replacements are set once both ends exist, and only on rows added now.
        for entry in entries:
            if entry["slug"] in added and entry["replaced_by"]:
                added[entry["slug"]].replaced_by = Framework.objects.filter(
                    slug=entry["replaced_by"]
                ).first()
                added[entry["slug"]].save(update_fields=["replaced_by"])
        self.stdout.write(
            f"Seed: {len(added)} framework(s) added, {len(entries) - len(added)} already present."
        )
