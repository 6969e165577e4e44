from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def catalog_changed(sender, update_fields=None, **kwargs):
    """A framework or tag changed (admin, `load_seed`): cached pages are stale once it commits."""
    from catalog.models import REVIEW_COUNTER_FIELDS, VOTE_COUNTER_FIELDS
    from config import pagecache

    if update_fields and set(update_fields) <= {*VOTE_COUNTER_FIELDS, *REVIEW_COUNTER_FIELDS}:
        return  # the services' own counter saves bump once, after their transaction
    pagecache.bump_on_commit()


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        for name in ("Framework", "Tag", "TaggedFramework"):
            model = self.get_model(name)
            post_save.connect(catalog_changed, sender=model, dispatch_uid=f"pages-{model}")
            post_delete.connect(catalog_changed, sender=model, dispatch_uid=f"pages-{model}")
