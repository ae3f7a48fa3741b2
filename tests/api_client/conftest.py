from tests.campaigns.conftest import call_action, demo, mo  # noqa: F401 - shared fixtures
