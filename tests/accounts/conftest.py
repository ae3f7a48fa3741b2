import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret


@pytest.fixture
def staff_with_totp(staff_user):
    TOTP.activate(staff_user, generate_totp_secret())
    return staff_user
