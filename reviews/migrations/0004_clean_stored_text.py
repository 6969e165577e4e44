"""Drop the characters XML 1.0 and HTML forbid from every stored user text (see reviews.text)."""

from django.db import migrations

from reviews.markup import render_markdown
from reviews.text import clean_text

TEXT_FIELDS = {
    ("reviews", "Review"): ("title", "body", "pros", "cons", "version_used"),
    ("reviews", "Report"): ("detail",),
    ("reviews", "ModerationAction"): ("review_title", "reason"),
}


def clean_stored_text(apps, schema_editor):
    for label, fields in TEXT_FIELDS.items():
        model = apps.get_model(*label)
        for row in model.objects.only(*fields).iterator(chunk_size=500):
            changed = {f: clean_text(getattr(row, f)) for f in fields}
            changed = {f: v for f, v in changed.items() if v != getattr(row, f)}
            if "body" in changed:
                changed["body_html"] = render_markdown(changed["body"])
            if changed:
                model.objects.filter(pk=row.pk).update(**changed)
    User = apps.get_model("auth", "User")
    for user in User.objects.only("username").iterator(chunk_size=500):
        username = clean_text(user.username)
        if username == user.username:
            continue
        # A cleaned name that is empty or taken gets the account's number added.
        while not username or User.objects.filter(username=username).exists():
            username = f"{username or 'user'}-{user.pk}"
        User.objects.filter(pk=user.pk).update(username=username)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_review_aspects"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(clean_stored_text, migrations.RunPython.noop)]
