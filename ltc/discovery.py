"""Each app's declaration modules (`exports`, `bulk`, `listing`), imported once per process."""

from functools import cache

from django.utils.module_loading import autodiscover_modules


@cache
def discover(module_name: str) -> None:
    """Import `<app>.<module_name>` of every installed app, the first time only. Looking for a
    module an app does not have costs file-system checks for each app: a registry read on
    every request would pay them every time (about 70 imports tried per list page)."""
    autodiscover_modules(module_name)
