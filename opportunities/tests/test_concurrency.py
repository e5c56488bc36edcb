"""Concurrent approve and reject of one quote on PostgreSQL: exactly one wins."""

import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import close_old_connections

from ltc.models import TransitionLog
from ltc.transitions import ConcurrentTransition, TransitionNotAllowed, run
from opportunities.models import Quote, QuoteSignOff
from opportunities.tests.factories import quote_in
from roles.tests.factories import user_with


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_approve_and_reject_one_wins(attempt):
    boss_a, boss_b = user_with("manager"), user_with("manager")
    quote = quote_in("pending_approval", discount_pct="15", manager=True)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name, user, data):
        try:
            obj = Quote.objects.get(pk=quote.pk)
            barrier.wait(timeout=10)
            run(obj=obj, name=name, user=user, data=data)
            outcomes[name] = "won"
        except (ConcurrentTransition, TransitionNotAllowed):
            outcomes[name] = "refused"
        except ValidationError as exc:
            # The loser read the quote before the winner committed; when its check runs after
            # that commit, the quote still looks pending but the manager's sign-off exists.
            assert exc.messages == ["The Manager sign-off is already recorded."], exc
            outcomes[name] = "refused"
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=act, args=("approve", boss_a, {})),
        threading.Thread(target=act, args=("reject", boss_b, {"reason": "Too deep"})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["refused", "won"], outcomes
    quote.refresh_from_db()
    winner = next(name for name, result in outcomes.items() if result == "won")
    assert quote.status == {"approve": "approved", "reject": "draft"}[winner]
    logs = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Quote), object_id=quote.pk
    )
    assert list(logs.values_list("transition", flat=True)) == [winner]
    (sign_off,) = QuoteSignOff.objects.filter(quote=quote)
    assert sign_off.decision == {"approve": "approved", "reject": "rejected"}[winner]
