from django.apps import AppConfig
from django.db.models.signals import post_save, pre_delete
from django.utils.translation import gettext_lazy as _


def _release_deleted_account(sender, instance, **kwargs):
    from reviews import services

    services.account_release(user=instance)


def _account_changed(sender, created=False, update_fields=None, **kwargs):
    """An account's name shows beside its reviews and on its profile: an edit (the admin, a
    script) makes cached pages stale once it commits. A new account shows nowhere yet, and
    logging in only stamps `last_login`."""
    from config import pagecache

    if created or (update_fields and set(update_fields) <= {"last_login"}):
        return
    pagecache.bump_on_commit()


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Votes and reviews")

    def ready(self):
        from django.contrib.auth import get_user_model

        # The one place where a user's deletion meets the counters. `reviews.services.
        # account_delete` is the way to delete an account; this hook makes every other way
        # (`User.delete()` or a queryset delete in the shell or a script, a cascade) take back
        # the account's votes, reviews, helpful marks and reports through the same service, in
        # the deletion's own transaction, so that no counter drifts whoever deletes the user.
        pre_delete.connect(
            _release_deleted_account, sender=get_user_model(), dispatch_uid="account_release"
        )
        post_save.connect(_account_changed, sender=get_user_model(), dispatch_uid="account_pages")
        from catalog import extensions
        from config import auth, fragments

        auth.watch_users()  # the logged-in user from the cache (config/auth.py)
        from reviews import selectors, views, widgets

        # The catalog's pages show reviews without the catalog importing reviews.
        for hooks, hook in (
            (extensions.DETAIL_SECTIONS, views.framework_sections),
            (extensions.COMPARE_SECTIONS, views.compare_sections),
            (extensions.SWITCH_SOURCES, selectors.switch_sources),
            (fragments.VISITOR_SLOTS, widgets.own_votes),
        ):
            if hook not in hooks:
                hooks.append(hook)
