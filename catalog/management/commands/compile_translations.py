from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Compile locale/*/LC_MESSAGES/*.po to .mo in pure Python (polib), so a fresh machine "
        "needs no GNU gettext. Skips catalogs whose .mo is already newer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fill-source",
            metavar="LOCALE",
            help="First copy every msgid into its msgstr in this locale's catalog (the source "
            "language, English), so that catalog stays complete after makemessages.",
        )

    def handle(self, *args, fill_source=None, **options):
        catalogs = [
            po_path
            for locale_dir in settings.LOCALE_PATHS
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po"))
        ]
        if fill_source:
            for po_path in catalogs:
                if po_path.parts[-3] == fill_source:
                    self._fill_from_source(po_path)
        compiled = 0
        for po_path in catalogs:
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            compiled += 1
        self.stdout.write(f"Translations: {compiled} catalog(s) compiled.")

    def _fill_from_source(self, po_path: Path) -> None:
        catalog = polib.pofile(str(po_path))
        for entry in catalog:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            # A fuzzy plural also carries its previous msgid_plural: left alone, it is written out
            # without its previous msgid, which msgmerge then refuses as a syntax error.
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        catalog.save()
