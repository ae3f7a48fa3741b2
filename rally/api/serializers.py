from rest_framework import serializers

from rally.models import Invitation
from rally.services import MAX_INVITATIONS

# A plain address, and a subset of what Django's EmailValidator accepts, so that any address that
# matches the schema is accepted by the server (and a client generator can check it first).
EMAIL_PATTERN = (
    r"^[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
EMAIL_MAX_LENGTH = 254


class InvitationOutputSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=Invitation.Status.choices, read_only=True)
    # As the lead typed it (the input's pattern): not `format: email`, whose checkers refuse some
    # addresses mail servers take (a non-ASCII local part).
    email = serializers.CharField(read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "status", "created_at", "expires_at", "sent_at", "joined_at", "revoked_at"]
        read_only_fields = fields


class InvitationCreateInputSerializer(serializers.Serializer):
    emails = serializers.ListField(
        child=serializers.RegexField(EMAIL_PATTERN, max_length=EMAIL_MAX_LENGTH),
        min_length=1,
        max_length=MAX_INVITATIONS,
        help_text=(
            f"The addresses to invite, at most {MAX_INVITATIONS}. Addresses of one mailbox (differing only "
            "in case or a `+tag`) count once."
        ),
    )


class QuotaOutputSerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=0, help_text="Invitations allowed in any 24 hours.")
    used = serializers.IntegerField(min_value=0, help_text="Invitations sent in the last 24 hours.")
    remaining = serializers.IntegerField(min_value=0, help_text="How many more can be sent now.")
    next_at = serializers.DateTimeField(
        allow_null=True, help_text="When none is left: when room for one more comes back. Otherwise null."
    )


class InvitationLimitsOutputSerializer(serializers.Serializer):
    chapter = QuotaOutputSerializer(help_text="The chapter's allowance (all its leads together).")
    lead = QuotaOutputSerializer(help_text="Yours, across every chapter you lead.")


class InvitationCreateOutputSerializer(serializers.Serializer):
    invited = serializers.ListField(child=serializers.CharField(), help_text="Invited now; each gets one email.")
    members = serializers.ListField(child=serializers.CharField(), help_text="Skipped: already members.")
    recent = serializers.ListField(child=serializers.CharField(), help_text="Skipped: invited in the last 30 days.")
    suppressed = serializers.ListField(
        child=serializers.CharField(),
        help_text="Skipped for good: an invitation to this mailbox bounced, or its owner asked not to be invited.",
    )
    limits = InvitationLimitsOutputSerializer(help_text="The allowances after this request.")
