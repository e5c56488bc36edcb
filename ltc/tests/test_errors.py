"""One error layer: the browser pages and the API answer a refusal with the same status."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from ltc.api.exceptions import exception_handler
from ltc.errors import ERROR_STATUS, Outcome, RefusalMiddleware, status_for
from ltc.transitions import UnknownTransition

pytestmark = pytest.mark.django_db

REFUSALS = [
    (TransitionNotAllowed("not from here"), 409),
    (ConcurrentTransition("changed meanwhile"), 409),
    (UnknownTransition("fly"), 404),
    (PermissionDenied("not your role"), 403),
    (ValidationError({"name": "Too short."}), 400),
]


class NameForm(forms.Form):
    name = forms.CharField(label="Full name")


def request():
    req = RequestFactory().post("/", {"name": "x"})
    req.session = SessionStore()
    req._messages = FallbackStorage(req)
    return req


def texts(req):
    return [str(m) for m in get_messages(req)]


@pytest.mark.parametrize(("exc", "status"), REFUSALS)
def test_the_browser_and_the_api_share_one_status_per_refusal(exc, status):
    assert status_for(exc) == status
    assert exception_handler(exc, {}).status_code == status


def test_anything_else_is_not_a_refusal():
    assert status_for(KeyError("bug")) is None
    assert {s for _types, s in ERROR_STATUS} == {400, 403, 404, 409}


def test_a_rule_on_a_field_is_shown_on_the_form_again_with_400():
    req = request()
    form = NameForm(req.POST)
    assert form.is_valid()
    with Outcome(req, form=form) as outcome:
        raise ValidationError({"name": "Already taken.", "budget": "Too high."})
    assert not outcome.ok
    assert outcome.status == 400
    assert form.errors["name"] == ["Already taken."]
    assert form.non_field_errors() == ["Too high."]  # a field the form does not have


@pytest.mark.parametrize(("exc", "status"), REFUSALS[:4])
def test_other_refusals_become_a_message_and_their_status(exc, status):
    req = request()
    with Outcome(req, form=NameForm(req.POST)) as outcome:
        raise exc
    assert outcome.status == status
    assert len(texts(req)) == 1


def test_field_messages_carry_the_label_the_user_saw():
    req = request()
    with Outcome(req, labels={"name": "Full name"}):
        raise ValidationError({"name": "Already taken.", "__all__": "Not now."})
    assert texts(req) == ["Full name: Already taken.", "Not now."]


def test_a_bug_or_a_missing_record_is_not_swallowed():
    req = request()
    with pytest.raises(KeyError), Outcome(req):
        raise KeyError("bug")
    with pytest.raises(Http404), Outcome(req):
        raise Http404
    assert texts(req) == []


def test_an_invalid_bound_form_answers_400_and_a_success_200():
    req = request()
    assert Outcome(req, form=NameForm({"name": ""})).status == 400
    with Outcome(req, form=NameForm({"name": "ok"})) as outcome:
        pass
    assert outcome.ok and outcome.status == 200


def test_a_leaked_state_refusal_gets_its_status_not_a_server_error(rf, django_user_model):
    middleware = RefusalMiddleware(lambda r: None)
    req = rf.get("/")
    req.user = django_user_model.objects.create_user("u")
    response = middleware.process_exception(req, TransitionNotAllowed("Already issued."))
    assert response.status_code == 409
    assert "Already issued." in response.content.decode()
    assert middleware.process_exception(req, ValidationError("Bad.")).status_code == 400
    # 403 and 404 keep Django's own handling
    assert middleware.process_exception(req, PermissionDenied()) is None
    assert middleware.process_exception(req, KeyError("bug")) is None
