"""The "Curators" group: may edit the catalog, moderate reviews and lift login lock-outs, but not
manage people.

Created by a data migration (which calls `ensure_curators_group` with the historical models);
make someone a curator in the admin: tick "Staff status" on the user and add them to the group.
"""

from django.apps import apps as global_apps

CURATORS = "Curators"

PERMISSIONS = {
    "catalog.Framework": ("add", "change", "view"),
    "catalog.Tag": ("add", "change", "view"),
    "catalog.TaggedFramework": ("add", "change", "view"),
    "reviews.Review": ("change", "view"),
    "reviews.Report": ("change", "view"),
    "reviews.ModerationAction": ("view",),
    "reviews.Vote": ("view",),
    "reviews.Standing": ("change", "view"),
    "reviews.Suspension": ("view",),
    "reviews.VoteRing": ("view",),
    "reviews.HelpfulVote": ("view",),
    # Login lock-outs (django-axes): deleting the attempts lifts the lock-out.
    "axes.AccessAttempt": ("view", "delete"),
}


def ensure_curators_group(apps=global_apps):
    """Create the group, or complete its permissions; running it again changes nothing."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name=CURATORS)
    for label, actions in PERMISSIONS.items():
        try:
            opts = apps.get_model(label)._meta
        except LookupError:  # added by a later migration, which runs this again
            continue
        # Permissions are normally created after `migrate` (post_migrate); on a fresh database
        # they do not exist yet when this runs, so create the rows the same way Django would.
        content_type, _ = ContentType.objects.get_or_create(
            app_label=opts.app_label, model=opts.model_name
        )
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{opts.model_name}",
                defaults={"name": f"Can {action} {opts.verbose_name_raw}"},
            )
            group.permissions.add(permission)
    return group


def remove_curators_group(apps=global_apps):
    """Delete the group (its members stay, without its permissions)."""
    apps.get_model("auth", "Group").objects.filter(name=CURATORS).delete()
