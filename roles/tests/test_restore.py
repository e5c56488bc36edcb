import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from roles.models import Role


@pytest.mark.django_db(transaction=True)
def test_flush_keeps_the_roles_and_their_permissions():
    before = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    call_command("flush", interactive=False, verbosity=0)
    after = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    assert set(after) >= set(Role.values)
    assert after["sales"] == before["sales"]
    assert "view_lead" in after["marketing"]
