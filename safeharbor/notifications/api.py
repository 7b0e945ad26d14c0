"""REST API of the notifications app: the user's own notifications (scoped like the pages),
the administrators' outbox (phones masked), and the SMS gateway's reply callback."""

import hmac
import time

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from safeharbor.core import access
from safeharbor.lib.masking import mask_phone
from safeharbor.notifications import actions, gateways, kinds, queries
from safeharbor.notifications.models import Notification, OutboxMessage


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "message", "url", "created_at", "read_at", "read"]

    def get_kind_label(self, obj) -> str:
        return kinds.label_of(obj.kind)

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


@extend_schema(parameters=[
    OpenApiParameter("kind", str, description="only this kind"),
    OpenApiParameter("unread", bool, description="only unread ones"),
])
class NotificationList(generics.ListAPIView):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        params = self.request.query_params
        return queries.notification_list(self.request.user, kind=params.get("kind", ""),
                                         unread=params.get("unread") in ("1", "true"))


class NotificationDetail(generics.RetrieveAPIView):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        return access.visible_notifications(self.request.user)


class NotificationRead(APIView):
    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, pk):
        return Response(NotificationSerializer(actions.mark_read(request.user, pk)).data)


class NotificationReadAll(APIView):
    @extend_schema(request=None, responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}))
    def post(self, request):
        return Response({"marked": actions.mark_all_read(request.user)})


class UnreadCount(APIView):
    @extend_schema(responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()}))
    def get(self, request):
        return Response({"unread": queries.unread_count(request.user)})


class OutboxSerializer(serializers.ModelSerializer):
    to = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True, help_text="pending, sending, sent, failed or skipped")
    tracking_code = serializers.CharField(source="matter.tracking_code", default=None, read_only=True)

    class Meta:
        model = OutboxMessage
        fields = ["id", "channel", "kind", "to", "subject", "body", "tracking_code", "urgent", "status",
                  "created_at", "send_after", "attempts", "sent_at", "gateway", "last_error"]

    def get_to(self, obj) -> str:
        if obj.channel == OutboxMessage.Channel.SMS:
            return mask_phone(obj.phone)
        return obj.recipient.display_name if obj.recipient else ""


@extend_schema(parameters=[OpenApiParameter("status", str), OpenApiParameter("channel", str)])
class OutboxList(generics.ListAPIView):
    """Administrators only (others: 404, like anything outside their scope)."""

    serializer_class = OutboxSerializer

    def get_queryset(self):
        if not access.is_admin(self.request.user):
            raise NotFound
        params = self.request.query_params
        return queries.outbox_list(status=params.get("status", ""), channel=params.get("channel", ""))


class InboundSms(APIView):
    """The SMS gateway reports a resident's reply: {"phone": ..., "text": ...}, signed like our
    outgoing posts (X-Timestamp, X-Signature = HMAC-SHA256 of "<timestamp>.<body>" with
    SMS_GATEWAY_SECRET). "TD" and the like stop further messages to that number."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    MAX_SKEW = 300

    @extend_schema(
        request=inline_serializer("InboundSms", {"phone": serializers.CharField(), "text": serializers.CharField()}),
        responses=inline_serializer("InboundSmsResult", {"opted_out": serializers.BooleanField()}),
    )
    def post(self, request):
        secret = settings.SMS_GATEWAY_SECRET
        stamp = request.headers.get("X-Timestamp", "")
        given = request.headers.get("X-Signature", "")
        expected = gateways.signature(secret, stamp, request.body) if secret else ""
        fresh = stamp.isdigit() and abs(time.time() - int(stamp)) <= self.MAX_SKEW
        if not secret or not fresh or not hmac.compare_digest(expected, given):
            raise PermissionDenied("bad signature")
        phone = str(request.data.get("phone", ""))[:40]
        text = str(request.data.get("text", ""))[:200]
        return Response({"opted_out": actions.handle_reply(phone, text)})
