"""`POST /api/v1/auth/token/`: a script's way to its API token.

Throttled per client address (scope `auth-token`); failed attempts also count against the
account's failed-login limit that the login page uses (`account_authenticate`).
"""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from ..api.parsers import JSONParser
from .services import LoginRefused, LoginThrottled, account_authenticate, api_token_get


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="Username or e-mail address.", max_length=254)
    password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False, max_length=4096
    )


class TokenObtainView(APIView):
    """Exchange a username (or e-mail address) and password for the caller's API token."""

    authentication_classes = []  # credentials travel in the body; no session, no CSRF
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth-token"
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
        description="400 with `non_field_errors` for wrong credentials, 429 when throttled or "
        "after too many failed attempts for the account.",
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = account_authenticate(
                request=request._request,
                login=serializer.validated_data["username"],
                password=serializer.validated_data["password"],
            )
        except LoginThrottled as exc:
            raise Throttled(detail=" ".join(exc.messages)) from None
        except LoginRefused as exc:
            raise serializers.ValidationError({"non_field_errors": exc.messages}) from None
        return Response({"token": api_token_get(user=user).key})
