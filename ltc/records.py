"""Which records a user may see, per model: each stage declares its selectors in its
AppConfig (`contributes.records`, read by ltc/wiring.py), so the shared pages (transitions,
activities, history) stay role-aware without the base importing the stages."""

from django.apps import apps
from django.http import Http404

# model -> selector(*, user): the QuerySet of the records of `model` that user may see
SELECTORS: dict[type, object] = {}


def visible(model, user):
    selector = SELECTORS.get(model)
    if selector is None:
        raise Http404
    return selector(user=user)


def get_visible_or_404(app_label: str, model_name: str, pk: int, user):
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    try:
        return visible(model, user).get(pk=pk)
    except model.DoesNotExist as exc:
        raise Http404 from exc
