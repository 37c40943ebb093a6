"""``manage.py issue_open311_key NAME``: issue an Open311 api_key for NAME and print it alone on stdout
(only its SHA-256 and its first 8 characters are stored: the key cannot be shown again).
``manage.py issue_open311_key --revoke PREFIX``: revoke the live key(s) starting with PREFIX."""

import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from jiceng.appeals.models import Open311Key
from jiceng.appeals.open311 import key_hash
from jiceng.core import audit
from jiceng.core.scope import system_actor


class Command(BaseCommand):
    help = "Issue an Open311 api_key for NAME (printed once, alone on stdout), or --revoke PREFIX."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="who uses the key (an app, a partner)")
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the live key whose first characters these are")

    @transaction.atomic
    def handle(self, *args, name=None, revoke=None, **options):
        actor = system_actor("issue_open311_key")
        if revoke:
            prefix = revoke.strip()
            if len(prefix) < 4:
                raise CommandError("give at least 4 characters of the key's prefix")
            keys = list(Open311Key.objects.filter(prefix__startswith=prefix[:8], revoked_at__isnull=True))
            if not keys:
                raise CommandError(f"no live key starts with {prefix!r}")
            if len(keys) > 1:
                raise CommandError(f"{len(keys)} live keys start with {prefix!r}: give more characters")
            keys[0].revoked_at = timezone.now()
            keys[0].save(update_fields=["revoked_at"])
            audit.record(actor, "open311.revoke", keys[0], summary={"prefix": keys[0].prefix})
            self.stderr.write(f"revoked {keys[0]}")
            return
        name = (name or "").strip()
        if not name:
            raise CommandError("give the NAME of the key's user")
        if len(name) > 80:
            raise CommandError("NAME is at most 80 characters")
        raw = "-"
        while not raw[0].isalnum():  # a key starting with "-" would read as an option on a command line
            raw = secrets.token_urlsafe(30)
        key = Open311Key.objects.create(name=name, key_hash=key_hash(raw), prefix=raw[:8])
        audit.record(actor, "open311.issue", key, summary={"name": name, "prefix": key.prefix})
        self.stdout.write(raw)
