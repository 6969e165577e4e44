from django.core.management.base import BaseCommand
from django.db import transaction

from catalog.models import Framework, Tag
from catalog.seed import FIXTURE_PATH, TAG_NAMES_ZH, load_fixture

# Filled on a framework that exists only where still empty (databases seeded before they existed).
FILLED_WHEN_EMPTY = (
    "article_name",
    "article_website",
    "repository",
    "pypi_name",
    "summary_en",
    "description_en",
    "drawbacks_en",
)
# Corrected from the article's value to the curated one only while it still is the article's.
CORRECTED = (("name", "article_name"), ("website", "article_website"))


def _is_same(framework: Framework, entry: dict) -> bool:
    return framework.slug == entry["slug"] or framework.name in (
        entry["name"],
        entry["article_name"],
    )


def _takes_a_unique_value(framework: Framework, entry: dict) -> bool:
    return _is_same(framework, entry) or (
        entry["seed_rank"] is not None and framework.seed_rank == entry["seed_rank"]
    )


def _create(entry: dict) -> Framework:
    framework = Framework.objects.create(
        **{field: entry[field] for field in FILLED_WHEN_EMPTY},
        name=entry["name"],
        slug=entry["slug"],
        website=entry["website"],
        description=entry["description"],
        drawbacks=entry["drawbacks"],
        seed_rank=entry["seed_rank"],
        status=entry["status"],
    )
    framework.tags.set(entry["tags"] + entry["curated_tags"])
    return framework


def _complete(framework: Framework, entry: dict, names_taken: set[str]) -> bool:
    """Fill what this change added, never touching what a curator wrote. True if it changed."""
    changed = [
        field for field in FILLED_WHEN_EMPTY if entry[field] and not getattr(framework, field)
    ]
    for field in changed:
        setattr(framework, field, entry[field])
    for field, article_field in CORRECTED:
        current, curated = getattr(framework, field), entry[field]
        if current == entry[article_field] != curated and curated not in names_taken:
            setattr(framework, field, curated)
            changed.append(field)
    if changed:
        framework.save(update_fields=[*changed, "updated_at"])
    # Curated tags join only tags nobody has edited since the article's were given.
    tags_untouched = set(framework.tags.names()) == set(entry["tags"])
    if tags_untouched and entry["curated_tags"]:
        framework.tags.add(*entry["curated_tags"])
        return True
    return bool(changed)


class Command(BaseCommand):
    help = (
        f"Add the seed frameworks from {FIXTURE_PATH.name} that are missing, and complete the "
        "ones present: fields still empty are filled, and a name or site still as the article "
        "wrote it is replaced by the curated one. Nothing a curator changed is overwritten, and "
        "counters are never touched."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        entries = load_fixture()
        existing = list(Framework.objects.all())
        names_taken = {framework.name for framework in existing}
        added, completed = {}, 0
        for entry in entries:
            # The row with the seed's slug first, then one that carries either of its names.
            same = sorted(
                (framework for framework in existing if _is_same(framework, entry)),
                key=lambda framework: framework.slug != entry["slug"],
            )
            if same:
                completed += _complete(same[0], entry, names_taken)
            # A curator may have renamed a seed framework or given its seed rank to another one:
            # any unique value already taken means it is present, and adding it would fail.
            elif not any(_takes_a_unique_value(framework, entry) for framework in existing):
                added[entry["slug"]] = _create(entry)
        # Links to replacements are set once both ends exist, and only on rows added now.
        for entry in entries:
            if entry["slug"] in added and entry["replaced_by"]:
                added[entry["slug"]].replaced_by = Framework.objects.filter(
                    slug=entry["replaced_by"]
                ).first()
                added[entry["slug"]].save(update_fields=["replaced_by"])
        named = 0
        for tag in Tag.objects.filter(name__in=TAG_NAMES_ZH, name_zh=""):
            tag.name_zh = TAG_NAMES_ZH[tag.name]
            tag.save(update_fields=["name_zh"])
            named += 1
        self.stdout.write(
            f"Seed: {len(added)} framework(s) added, {len(entries) - len(added)} already present, "
            f"{completed} completed; {named} tag(s) given a Chinese name."
        )
