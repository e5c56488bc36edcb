"""KPI API: `GET /api/v1/kpis/` (one metric by period) and `/api/v1/targets/`."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ltc.api.fields import StrictDecimalField
from ltc.errors import validation_detail
from roles.models import Team
from roles.policies import can, get

from . import metrics, selectors
from .models import PeriodKind, Target, TargetMetric
from .services import target_save

KPI_PARAMS = {"metric", "from", "to", "group_by", "team", "owner", "currency", "format"}


class KpiValueSerializer(serializers.Serializer):
    period = serializers.DateField(help_text="First day of the bucket")
    currency = serializers.CharField(help_text="Empty for metrics that are not money")
    numerator = serializers.DecimalField(
        max_digits=24,
        decimal_places=4,
        read_only=True,
        help_text="Σ numerator of the daily snapshots in the bucket (the count or amount)",
    )
    denominator = serializers.DecimalField(
        max_digits=24,
        decimal_places=4,
        read_only=True,
        help_text="Σ denominator (what a ratio or average divides by); 0 for plain counts",
    )
    value = serializers.DecimalField(
        max_digits=24,
        decimal_places=2,
        allow_null=True,
        read_only=True,
        help_text="The KPI: the numerator for counts and amounts, else the ratio (x scale); "
        "null when the denominator is 0",
    )


class KpiResultSerializer(serializers.Serializer):
    metric = serializers.CharField(help_text="The KPI's key (see ?metric=)")
    label = serializers.CharField(help_text="The KPI's name, in the caller's language")
    kind = serializers.CharField(
        help_text="How it adds up: count, amount, stock, ratio, average or derived"
    )
    unit = serializers.CharField(help_text="Its unit (%, days, ...); empty for counts and money")
    group_by = serializers.CharField(help_text="The bucket: day, week, month or quarter")
    values = KpiValueSerializer(many=True, help_text="One value per bucket and currency")


class KpiViewSet(viewsets.ViewSet):
    """Daily rollups of every KPI, summed per bucket; ratios are Σnumerator ÷ Σdenominator."""

    extra_query_params = {"list": sorted(KPI_PARAMS - {"format"})}

    @extend_schema(
        tags=["kpis"],
        summary="A KPI by period",
        parameters=[
            OpenApiParameter(
                "metric",
                OpenApiTypes.STR,
                required=True,
                enum=sorted(metrics.METRICS),
                description="Metric key; split metrics also take `key:part` "
                "(e.g. `handoff_ontime:contract_review`).",
            ),
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            OpenApiParameter(
                "group_by", OpenApiTypes.STR, enum=["day", "week", "month", "quarter"]
            ),
            OpenApiParameter("team", OpenApiTypes.INT, description="A team you may see"),
            OpenApiParameter("owner", OpenApiTypes.INT, description="A person you may see"),
            OpenApiParameter("currency", OpenApiTypes.STR),
        ],
        responses={200: KpiResultSerializer},
    )
    def list(self, request):
        params = request.query_params
        unknown = sorted(set(params) - KPI_PARAMS)
        if unknown:
            raise ValidationError({name: [_("Unknown parameter.")] for name in unknown})
        try:
            metric = selectors.get_metric(params.get("metric"))
            period = selectors.parse_range(params.get("from"), params.get("to"))
            group_by = params.get("group_by") or "month"
            values = selectors.series(
                request.user,
                params["metric"],
                period,
                group_by,
                team=params.get("team"),
                owner=params.get("owner"),
                currency=params.get("currency") or None,
            )
        except selectors.BadParameter as exc:
            raise ValidationError({exc.field: [exc.message]}) from exc
        data = {
            "metric": params["metric"],
            "label": str(metric.label),
            "kind": metric.kind,
            "unit": str(metric.unit),
            "group_by": group_by,
            "values": values,
        }
        return Response(KpiResultSerializer(data).data)


class TargetSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="The person (user id) the target is for; give this or team",
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(),
        required=False,
        allow_null=True,
        help_text="The team (id) the target is for; give this or owner",
    )
    period_kind = serializers.ChoiceField(
        choices=PeriodKind.choices, help_text="A month or a quarter"
    )
    metric = serializers.ChoiceField(choices=TargetMetric.choices, help_text="What is targeted")
    value = StrictDecimalField(
        max_digits=16,
        decimal_places=2,
        min_value=0,
        help_text="The target: an amount in currency for money metrics, else a count",
    )

    class Meta:
        model = Target
        fields = [
            "id", "owner", "team", "period_kind", "period_start", "metric", "value", "currency",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "updated_at"]
        extra_kwargs = {
            "period_start": {"help_text": "The first day of the month or quarter"},
            "currency": {"help_text": "ISO 4217 currency of a money target; empty for counts"},
        }
        validators = []  # uniqueness is checked by the service, with a named field

    def save(self, **kwargs):
        instance = self.instance
        fields = {
            name: self.validated_data.get(name, getattr(instance, name, None))
            for name in ("owner", "team", "period_kind", "period_start", "metric", "value")
        }
        fields["currency"] = self.validated_data.get(
            "currency", getattr(instance, "currency", None) or Target().currency
        )
        try:
            self.instance = target_save(
                user=self.context["request"].user, target=instance, **fields
            )
        except DjangoValidationError as exc:
            raise ValidationError(validation_detail(exc)) from exc
        return self.instance


@extend_schema(tags=["kpis"])
class TargetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Targets (目标) per person or team per month or quarter; managers create and update,
    others read the targets of themselves and the teams they lead."""

    serializer_class = TargetSerializer
    filterset_fields = ["metric", "period_kind", "owner", "team", "period_start"]
    ordering_fields = ["period_start", "metric", "value"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Target.objects.none()
        return selectors.visible_targets(self.request.user)

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method in ("POST", "PATCH") and not can(request.user, "kpis.targets"):
            self.permission_denied(request, message=get("kpis.targets").refusal)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "request": self.request}
