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


def has_selector(model) -> bool:
    return model in SELECTORS


def limit_to_visible(queryset, user):
    """`queryset` narrowed to the rows `user` may see, when its model has a selector.

    Models without a selector (users, teams, lost reasons: lists everyone may pick from)
    are returned unchanged; without a signed-in user nothing of a declared model is left.
    """
    model = queryset.model
    if model not in SELECTORS:
        return queryset
    queryset = queryset.all()  # a manager (ModelSerializer's default) becomes a queryset
    if user is None or not user.is_authenticated:
        return queryset.none()
    visible_qs = visible(model, user)
    if queryset.query.has_filters():
        visible_qs = visible_qs.filter(pk__in=queryset.values("pk"))
    return visible_qs


def require_visible(user, **records) -> None:
    """The service's own check of each related record it is given: one `user` may not see is
    refused as a field error, as if it did not exist (its name is never echoed back)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    errors = {}
    for field, record in records.items():
        if record is None:
            continue
        items = record if isinstance(record, (list, tuple, set)) else [record]
        for item in items:
            model = type(item)
            if model not in SELECTORS:
                continue
            if not visible(model, user).filter(pk=item.pk).exists():
                errors[field] = _("Select a valid choice. That choice is not one you may see.")
                break
    if errors:
        raise ValidationError(errors)
