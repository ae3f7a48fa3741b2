"""A 500's report (the email to ADMINS) shows the request, never the server's environment."""

from django.views.debug import ExceptionReporter


def _report(request) -> str:
    try:
        raise ValueError("boom")
    except ValueError as error:
        return ExceptionReporter(request, type(error), error, error.__traceback__).get_traceback_text()


def test_the_servers_environment_copied_into_meta_stays_out_of_error_reports(rf):
    # Granian (and wsgiref under runserver) put the process environment into every request's META.
    request = rf.post(
        "/api/v1/calls/",
        data="{}",
        content_type="application/json",
        HTTP_X_REQUEST_ID="req-42",
        DATABASE_URL="postgres://advocacy:hunter2@db.internal/advocacy",
        EMAIL_URL="smtp://mailer:s3cret@smtp.internal:587",
    )

    report = _report(request)

    assert "hunter2" not in report
    assert "s3cret" not in report
    assert "DATABASE_URL" not in report
    assert "/api/v1/calls/" in report
    assert "req-42" in report  # what came with the request is still there


def test_secret_looking_request_headers_are_still_hidden(rf):
    request = rf.get("/api/v1/me/", HTTP_AUTHORIZATION="Token 0123456789abcdef")

    report = _report(request)

    assert "0123456789abcdef" not in report
    assert "HTTP_AUTHORIZATION" in report
