"""API tokens in the REST API: obtain one (username + password), list and revoke your own.

POST /api/v1/auth/token/ is guarded twice: django-axes locks a username or an address out
after repeated failures (the right password is refused too while locked), and its own
throttle scope ("auth-token") limits requests per address. Both answer 429 with Retry-After.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ltc.api.mixins import ErrorSerializer
from ltc.api.throttles import AnonThrottle, AuthTokenThrottle

from .models import ApiToken
from .tokens import token_issue, token_list, token_revoke


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The token's id (DELETE /api/v1/auth/tokens/{id}/ revokes it)"},
            "name": {"help_text": "What the token is for"},
            "prefix": {"help_text": "The key's first characters, to recognise it"},
            "created_at": {"help_text": "When it was issued"},
            "last_used_at": {"help_text": "When a request last used it; null: never"},
            "expires_at": {"help_text": "When it stops working; null: never"},
            "revoked_at": {"help_text": "When it was revoked; null: it is not"},
        }


class ObtainTokenSerializer(AuthTokenSerializer):
    username = serializers.CharField(write_only=True, help_text="The user's username")
    password = serializers.CharField(
        write_only=True,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="The user's password",
    )
    name = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="What the token is for"
    )


IssuedToken = inline_serializer(
    name="IssuedToken",
    fields={
        "token": serializers.CharField(help_text="Shown once: keep it"),
        "id": serializers.IntegerField(help_text="The token's id, to list or revoke it"),
        "name": serializers.CharField(help_text="What the token is for"),
        "expires_at": serializers.DateTimeField(
            allow_null=True, help_text="When it stops working; null: never"
        ),
    },
)


def _locked_out(request) -> bool:
    return bool(
        getattr(request, "axes_locked_out", False)
        or getattr(getattr(request, "_request", None), "axes_locked_out", False)
    )


def _cooloff_seconds() -> int:
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    return int(cooloff.total_seconds()) if cooloff else 3600


class ObtainTokenView(APIView):
    """Exchange a username and password for a new API token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle, AuthTokenThrottle]

    @extend_schema(
        tags=["auth"],
        request=ObtainTokenSerializer,
        responses={
            200: IssuedToken,
            400: OpenApiResponse(description="Wrong username or password"),
            429: OpenApiResponse(ErrorSerializer, description="Locked out or throttled"),
        },
    )
    def post(self, request):
        body = ObtainTokenSerializer(data=request.data, context={"request": request})
        if not body.is_valid():
            if _locked_out(request):
                return Response(
                    {"detail": _("Too many failed sign-ins: try again later.")},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                    headers={"Retry-After": str(_cooloff_seconds())},
                )
            return Response(body.errors, status=status.HTTP_400_BAD_REQUEST)
        token, key = token_issue(
            user=body.validated_data["user"], name=body.validated_data.get("name", "")
        )
        return Response(
            {"token": key, "id": token.pk, "name": token.name, "expires_at": token.expires_at}
        )


@extend_schema(tags=["auth"])
class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your own API tokens (never their keys). DELETE revokes one: it stops working at once
    and stays in the list as revoked."""

    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()
    filterset_fields = []
    ordering = ["-created_at", "-pk"]

    def get_queryset(self):
        return token_list(user=self.request.user)

    def perform_destroy(self, instance):
        token_revoke(token=instance, user=self.request.user)
