"""The registries of exports, bulk actions and list views look for the apps' modules once per
process, not on every request that reads them."""

from django.utils import module_loading

from listviews import lists
from ltc import bulk, exports


def test_registries_look_for_the_apps_modules_once(monkeypatch):
    first = (exports.registry(), bulk.registry(), lists.registry())
    tried = []
    monkeypatch.setattr(module_loading, "import_module", lambda name, *a: tried.append(name))
    again = (exports.registry(), bulk.registry(), lists.registry())
    assert tried == []
    assert again == first and all(again)
