"""Saved list views in the REST API: the caller's own (create, change, delete) and those
shared with a team of theirs (read, and pick as default).

`query` is the list's filters as a query string (`status=new&source=web`), checked against
the list's filter form; `sort` one of the list's sortable columns (`-` for descending);
`columns` the shown columns in order (empty: the list's defaults). Unknown lists, filters,
columns or sorts, a duplicate name, or sharing with a team one may not share with: 400 with
the field's errors, nothing saved."""

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ltc.api.mixins import ErrorSerializer, FieldErrors
from roles.models import Team

from . import services
from .models import SavedView
from .selectors import views_for, visible_views


class SavedViewSerializer(serializers.ModelSerializer):
    list_name = serializers.CharField(
        max_length=40,
        help_text="The list: leads, accounts, contacts, opportunities, contracts, orders, "
        "invoices, payments, tickets, products",
    )
    name = serializers.CharField(max_length=80, help_text="The view's name (unique per list)")
    query = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text="The list's filters as a query string, e.g. status=new&source=web",
    )
    sort = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text="A sortable column's key, '-' in front for descending; empty: the list's order",
    )
    columns = serializers.ListField(
        child=serializers.CharField(max_length=60, help_text="A column key"),
        required=False,
        max_length=60,
        help_text="The shown columns' keys in order; empty: the list's default columns",
    )
    shared_team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(),
        required=False,
        allow_null=True,
        help_text="The team (id) the view is shared with; null: private. Only a manager, or "
        "the team's lead, shares",
    )
    is_default = serializers.BooleanField(
        required=False,
        help_text="The caller's list opens with this view",
    )
    owner = serializers.PrimaryKeyRelatedField(read_only=True, help_text="The view's owner (id)")
    address = serializers.CharField(
        read_only=True, help_text="The list page opened as this view (path and query)"
    )

    class Meta:
        model = SavedView
        fields = [
            "id",
            "list_name",
            "name",
            "query",
            "sort",
            "columns",
            "shared_team",
            "is_default",
            "owner",
            "address",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class SavedViewFilter(django_filters.FilterSet):
    list_name = django_filters.CharFilter(help_text="Only the views of this list")

    class Meta:
        model = SavedView
        fields = ["list_name"]


@extend_schema(tags=["list views"])
@extend_schema_view(
    list=extend_schema(summary="The caller's views and those shared with their teams"),
    retrieve=extend_schema(
        summary="One view",
        responses={200: SavedViewSerializer, 404: OpenApiResponse(ErrorSerializer)},
    ),
    create=extend_schema(
        summary="Save a view", responses={201: SavedViewSerializer, 400: FieldErrors}
    ),
    update=extend_schema(
        summary="Change one's own view (a manager or the team's lead may rename a shared one)",
        responses={200: SavedViewSerializer, 400: FieldErrors, 403: ErrorSerializer},
    ),
    partial_update=extend_schema(
        summary="Change part of one's own view (a manager or the team's lead may rename a "
        "shared one)",
        responses={200: SavedViewSerializer, 400: FieldErrors, 403: ErrorSerializer},
    ),
    destroy=extend_schema(
        summary="Delete one's own view", responses={204: None, 403: ErrorSerializer}
    ),
)
class SavedViewViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Saved list views: the caller's own and those shared with a team they belong to or lead.
    Only the owner changes or deletes a view (a view shared with a team is renamed too by
    whoever may share with that team); anyone who sees it may make it their default."""

    serializer_class = SavedViewSerializer
    queryset = SavedView.objects.none()
    filterset_class = SavedViewFilter

    def get_queryset(self):
        user = self.request.user
        list_name = self.request.query_params.get("list_name")
        if list_name:
            return views_for(user=user, list_name=list_name)
        from django.db.models import Exists, OuterRef

        from .models import DefaultView

        return (
            visible_views(user=user)
            .select_related("owner", "shared_team")
            .annotate(
                is_default=Exists(
                    DefaultView.objects.filter(
                        user=user, list_name=OuterRef("list_name"), view=OuterRef("pk")
                    )
                )
            )
            .order_by("list_name", "name", "pk")
        )

    def _answer(self, view, code=status.HTTP_200_OK):
        view = self.get_queryset().get(pk=view.pk)
        return Response(self.get_serializer(view).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        view = services.view_save(
            user=request.user,
            list_name=data["list_name"],
            name=data["name"],
            query=data.get("query", ""),
            sort=data.get("sort", ""),
            columns=data.get("columns", []),
            shared_team=data.get("shared_team"),
            make_default=data.get("is_default", False),
        )
        return self._answer(view, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        view = self.get_object()
        serializer = self.get_serializer(
            view, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "list_name" in data and data.pop("list_name") != view.list_name:
            raise serializers.ValidationError(
                {"list_name": ["A view stays on its list; save a new one for another list."]}
            )
        make_default = data.pop("is_default", None)
        was_default = view.is_default
        if view.owner_id != request.user.pk and set(data) == {"name"}:
            # A view shared with a team is renamed by whoever may share with that team.
            view = services.view_rename(user=request.user, view=view, name=data["name"])
        else:
            view = services.view_update(user=request.user, view=view, **data)
        if make_default is True:
            services.view_set_default(user=request.user, view=view)
        elif make_default is False and was_default:
            services.view_clear_default(user=request.user, list_name=view.list_name)
        return self._answer(view)

    def perform_destroy(self, instance):
        services.view_delete(user=self.request.user, view=instance)

    @extend_schema(
        summary="Open the list with this view (or, DELETE, plain again)",
        request=None,
        responses={200: SavedViewSerializer, 404: OpenApiResponse(ErrorSerializer)},
    )
    @action(detail=True, methods=["post", "delete"], url_path="default")
    def default(self, request, pk=None):
        """POST: the caller's list opens with this view (their own or a shared one); DELETE:
        it opens plain again."""
        view = self.get_object()
        if request.method == "DELETE":
            if view.is_default:
                services.view_clear_default(user=request.user, list_name=view.list_name)
        else:
            services.view_set_default(user=request.user, view=view)
        return self._answer(view)
