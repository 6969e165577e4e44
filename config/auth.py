"""The logged-in visitor's user row from the shared cache, instead of a query on every request.

Every logged-in request asks for the user (Django's ModelBackend reads the row each time). With
the page cache on (PAGE_CACHE_SECONDS), `CachedModelBackend` keeps each user in the shared cache:

- a read fills it with `add`, so it never overwrites what a write put there meanwhile;
- every save of a user writes the row as committed (read again after the commit), every delete
  a tombstone, with `set`: a request that read the row before the change and fills the cache
  after it finds the key taken. Password changes (the session hash), `is_active`, `is_staff` and
  the name all show on the next request, on every server.

Writes that bypass `save()` (a queryset's `update()`) are not seen: the site makes none; a
script that does must call `forget_user(pk)`.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from config.cache import kept_get

DELETED = "deleted"


def user_key(pk) -> str:
    return f"user:{pk}"


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        if not settings.PAGE_CACHE_SECONDS:
            return super().get_user(user_id)
        key = user_key(user_id)
        user = kept_get(cache, key)  # with Redis, from this process's watched copy
        if user is None:
            try:
                user = get_user_model()._default_manager.get(pk=user_id)
            except get_user_model().DoesNotExist:
                return None
            cache.add(key, user, settings.PAGE_CACHE_SECONDS)
        if user == DELETED:
            return None
        return user if self.user_can_authenticate(user) else None


def forget_user(pk) -> None:
    """Put the user's row as now committed in the cache (a tombstone once deleted)."""
    if not settings.PAGE_CACHE_SECONDS:
        return
    user = get_user_model()._default_manager.filter(pk=pk).first()
    cache.set(user_key(pk), DELETED if user is None else user, settings.PAGE_CACHE_SECONDS)


def _user_changed(sender, instance, **kwargs):
    pk = instance.pk
    transaction.on_commit(lambda: forget_user(pk))


def watch_users() -> None:
    """Keep the cache true on every save and delete of a user (from an app's `ready()`, so that
    every process connects it: a command or the admin too, not only those that logged someone
    in)."""
    user = settings.AUTH_USER_MODEL
    post_save.connect(_user_changed, sender=user, dispatch_uid="cached-user-save")
    post_delete.connect(_user_changed, sender=user, dispatch_uid="cached-user-delete")
