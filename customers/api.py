"""Accounts and contacts in the REST API.

Reads go through customers.selectors (role-aware), writes through customers.services (which
check who may edit). Customer records are not deleted through the API: later stages keep
pointing at them.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from activities.models import Activity
from customfields.api import CustomValuesSerializerMixin, with_custom_filter
from ltc.api.bulking import BulkMixin
from ltc.api.descriptions import described
from ltc.api.exporting import ExportMixin
from ltc.api.fields import AccountFlagsField, ConfirmDuplicateField, FlagsListSerializer
from ltc.api.history import HistoryMixin
from ltc.api.mixins import SEARCH_TEXT_FILTERS, IdempotentCreateMixin, write_schema
from ltc.api.relations import VisibleRelationsMixin
from ltc.api.summary import (
    ReadOnlyModelSerializer,
    ReadOnlySerializer,
    SummarySectionsSerializer,
    state,
)
from ltc.summaries import summary

from . import services
from .exports import ACCOUNTS, CONTACTS
from .filters import AccountFilter, ContactFilter
from .models import Account, Contact
from .selectors import account_list, account_summary, contact_list


@described(
    industry="The customer's industry",
    website="The customer's website",
    address="Postal address (for documents and deliveries)",
    tax_id="The unified social credit code or other tax ID, printed on invoices",
    credit_limit="Most the customer may have under signed, open contracts, in the account's "
    "currency; a contract review that would go beyond it also needs a manager's sign-off. "
    "Null: no limit",
)
class AccountSerializer(
    CustomValuesSerializerMixin, VisibleRelationsMixin, serializers.ModelSerializer
):
    owner_name = serializers.StringRelatedField(source="owner", read_only=True, allow_null=True)

    account_flags = AccountFlagsField(account="pk")
    confirm_duplicate = ConfirmDuplicateField()

    class Meta:
        model = Account
        list_serializer_class = FlagsListSerializer
        fields = [
            "id",
            "name",
            "industry",
            "website",
            "phone",
            "email",
            "address",
            "tax_id",
            "owner",
            "owner_name",
            "account_flags",
            "credit_limit",
            "currency",
            "notes",
            "last_activity_at",
            "created_at",
            "updated_at",
            "confirm_duplicate",
            "custom",
        ]
        read_only_fields = ["owner", "last_activity_at", "created_at", "updated_at"]


class SummaryActivitySerializer(ReadOnlyModelSerializer):
    kind = state("call, meeting, email, task or note")
    owner_name = serializers.StringRelatedField(source="owner")

    class Meta:
        model = Activity
        fields = ["id", "kind", "subject", "owner", "owner_name", "due_at", "done_at", "created_at"]


class TeamRefSerializer(ReadOnlySerializer):
    id = serializers.IntegerField(help_text="The team's id")
    name = serializers.CharField(help_text="The team's name")


class AccountSectionsSerializer(SummarySectionsSerializer):
    model_label = "customers.account"


class AccountSummarySerializer(ReadOnlySerializer):
    """The account's customer 360: its owner and team, last activity, contacts and latest
    activities, and one section per later stage the caller may see (a section the caller may
    not see is absent; amounts of invoices only for roles that see them)."""

    id = serializers.IntegerField(help_text="The account's id")
    name = serializers.CharField(help_text="The account's name")
    owner = serializers.IntegerField(
        source="owner_id", allow_null=True, help_text="The account owner (user id)"
    )
    owner_name = serializers.CharField(allow_null=True, help_text="The owner's display name")
    team = TeamRefSerializer(allow_null=True, help_text="The owner's team; null: none")
    last_activity_at = serializers.DateTimeField(
        allow_null=True, help_text="When the last activity was logged on the account"
    )
    contacts_count = serializers.IntegerField(help_text="How many contacts the account has")
    activities_count = serializers.IntegerField(help_text="How many activities are logged on it")
    activities = SummaryActivitySerializer(many=True, help_text="The latest on the account")
    sections = AccountSectionsSerializer(help_text="One entry per later stage the caller may see")


class MergeSerializer(serializers.Serializer):
    source = serializers.IntegerField(
        min_value=1, help_text="The duplicate to merge into this record (then deleted)"
    )


class MergeMixin:
    """`POST .../{id}/merge/ {"source": id}`: managers merge a duplicate into this record."""

    @extend_schema(
        summary="Merge a duplicate into this record (managers)",
        description=(
            "Every record of every stage that refers to `source` moves to this one, empty "
            "fields take the duplicate's values, the duplicate is deleted and the merge is "
            "written in this record's history, in one transaction."
        ),
        request=MergeSerializer,
        responses={
            200: OpenApiResponse(description="The merged record"),
            400: OpenApiResponse(description="No such source, or the record itself"),
            403: OpenApiResponse(description="Not a manager"),
        },
    )
    @action(detail=True, methods=["post"], url_path="merge", filter_backends=[])
    def merge(self, request, pk=None):
        target = self.get_object()
        form = MergeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        source = type(target).objects.filter(pk=form.validated_data["source"]).first()
        if source is None or not self.get_queryset().filter(pk=source.pk).exists():
            raise serializers.ValidationError({"source": [_("There is no such record.")]})
        merged = services.merge_records(user=request.user, source=source, target=target)
        return Response(self.get_serializer(merged).data)


class VisibleAccountField(serializers.PrimaryKeyRelatedField):
    """An account the caller may see; any other id is 'does not exist'."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Account.objects.none()
        return account_list(user=request.user)


@described(
    title="The contact's job title",
    is_primary="The account's main contact",
    is_billing="Receives the account's invoices and statements",
)
class ContactSerializer(
    CustomValuesSerializerMixin, VisibleRelationsMixin, serializers.ModelSerializer
):
    account = VisibleAccountField(queryset=Account.objects.all())
    account_name = serializers.CharField(source="account.name", read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "account",
            "account_name",
            "name",
            "title",
            "email",
            "phone",
            "is_primary",
            "is_billing",
            "language",
            "notes",
            "created_at",
            "updated_at",
            "custom",
        ]
        read_only_fields = ["created_at", "updated_at"]


class _SavingViewSet(
    IdempotentCreateMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and edit through one `save` service; no delete."""

    def save(self, instance, data):
        raise NotImplementedError

    def perform_create(self, serializer):
        serializer.instance = self.save(None, serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self.save(serializer.instance, serializer.validated_data)


@extend_schema(tags=["accounts"])
@write_schema(AccountSerializer, "marketing and sales (own accounts)")
class AccountViewSet(MergeMixin, BulkMixin, ExportMixin, HistoryMixin, _SavingViewSet):
    """Customer companies the caller may see; marketing and sales (own accounts) edit."""

    queryset = Account.objects.none()
    serializer_class = AccountSerializer
    filter_backends = with_custom_filter(SEARCH_TEXT_FILTERS)
    bulk_name = "accounts"
    export_spec = ACCOUNTS
    filterset_class = AccountFilter
    search_fields = ["name", "tax_id", "email", "phone"]  # Account.search_text
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return account_list(user=self.request.user)

    def save(self, instance, data):
        data = dict(data)
        confirmed = data.pop("confirm_duplicate", False)
        return services.account_save(
            user=self.request.user,
            account=instance,
            confirm_duplicate=True if instance else confirmed,
            **data,
        )

    @extend_schema(
        summary="The account's customer 360",
        responses={
            200: AccountSummarySerializer,
            404: OpenApiResponse(description="No such account, or not yours to see"),
        },
    )
    @action(detail=True, methods=["get"], url_path="summary", filter_backends=[])
    def summary(self, request, pk=None):
        account = self.get_object()
        header = account_summary(account=account, user=request.user)
        data = {
            "id": account.pk,
            "name": account.name,
            "owner_id": account.owner_id,
            "owner_name": str(account.owner) if account.owner else None,
            **header,
            "sections": {s.key: data for s, data in summary(account, request.user)},
        }
        return Response(AccountSummarySerializer(data).data)


@extend_schema(tags=["contacts"])
@write_schema(ContactSerializer, "marketing and sales (own accounts)")
class ContactViewSet(MergeMixin, BulkMixin, ExportMixin, HistoryMixin, _SavingViewSet):
    """Contacts of the accounts the caller may see."""

    queryset = Contact.objects.none()
    serializer_class = ContactSerializer
    filter_backends = with_custom_filter(SEARCH_TEXT_FILTERS)
    bulk_name = "contacts"
    export_spec = CONTACTS
    filterset_class = ContactFilter
    search_fields = ["name", "email", "phone"]  # Contact.search_text
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return contact_list(user=self.request.user)

    def save(self, instance, data):
        return services.contact_save(user=self.request.user, contact=instance, **data)
