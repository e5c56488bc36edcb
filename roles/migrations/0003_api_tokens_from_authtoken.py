"""Tokens issued before roles.ApiToken (DRF's authtoken table) keep working: each becomes an
ApiToken with the digest of its key. The old rows are left where they are, unused."""

import hashlib

from django.db import migrations


def copy_tokens(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("roles", "ApiToken")
    for token in Token.objects.all().iterator():
        ApiToken.objects.get_or_create(
            digest=hashlib.sha256(token.key.encode()).hexdigest(),
            defaults={"user_id": token.user_id, "name": "API", "prefix": token.key[:8]},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0002_api_tokens"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(copy_tokens, migrations.RunPython.noop)]
