"""A Python client generated from the live schema works unmodified: the volunteer's whole flow runs through it.

The test does what a partner's developer does: it reads /api/schema/ from a running server, generates a
client with openapi-python-client (pinned in requirements-dev.txt; its ruff post-hooks run the pinned ruff
in this virtualenv, so nothing is downloaded), lints and type-checks the generated package with ruff and
mypy, imports it, and drives the flow through it alone. Every response, errors included, is checked by
schemathesis against the schema it was generated from, and must have a documented status. Then a second
generator, datamodel-code-generator (pinned in requirements-dev.txt), makes pydantic models of the same
schema, and every recorded response body must validate against the model of its documented response.
"""

import importlib
import importlib.util
import inspect
import json
import subprocess
import sys
import typing
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
import schemathesis
from django.db import OperationalError

from accounts.models import Membership
from accounts.services import api_token_create
from campaigns.services import campaign_demo_create
from tallies.api import views as tally_views
from tallies.api.calls import CallsRateThrottle
from tallies.models import CallLog
from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory
from tests.factories.officials import missouri_officials

BIN = Path(sys.executable).parent
PACKAGE = "advocacy_client"
# PYI036's fix turns the generated `__exit__(self, *args: Any)` into `*args: object`, which mypy then
# rejects where it is passed on to httpx; every other rule of the pinned ruff applies.
RUFF_IGNORE = "PYI036"

pytestmark = pytest.mark.django_db(transaction=True)


def _run(*args: str, cwd: Path) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{output}"
    return output


@pytest.fixture
def schema_document(live_server, tmp_path) -> dict:
    response = httpx.get(f"{live_server.url}/api/schema/?format=json", timeout=30)
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def client_package(schema_document, tmp_path, monkeypatch) -> Iterator[SimpleNamespace]:
    """The generated, linted, type-checked and imported client package."""
    schema_path = tmp_path / "schema.json"
    schema_path.write_text(json.dumps(schema_document))
    config = tmp_path / "openapi-python-client.yaml"
    ruff = BIN / "ruff"
    config.write_text(
        f"project_name_override: advocacy-client\n"
        f"package_name_override: {PACKAGE}\n"
        # The office report's PDF: the generator reads any binary body as octet-stream once told so.
        f"content_type_overrides:\n"
        f"  application/pdf: application/octet-stream\n"
        f"post_hooks:\n"
        f'  - "{ruff} check . --fix-only --extend-select=I --extend-ignore={RUFF_IGNORE} --no-cache"\n'
        f'  - "{ruff} format . --no-cache"\n'
    )
    out = tmp_path / "generated"
    out.mkdir()
    output = _run(
        str(BIN / "openapi-python-client"),
        "generate",
        "--path",
        str(schema_path),
        "--output-path",
        str(out / PACKAGE),
        "--meta",
        "none",
        "--config",
        str(config),
        cwd=tmp_path,
    )
    # The generator skips what it cannot express, with a warning: every operation must come through.
    assert "warning" not in output.lower(), output
    _run(str(ruff), "check", "--isolated", "--no-cache", f"--extend-ignore={RUFF_IGNORE}", PACKAGE, cwd=out)
    _run(
        str(BIN / "mypy"),
        "--strict",
        "--cache-dir",
        str(tmp_path / "mypy-cache"),
        PACKAGE,
        cwd=out,
    )

    monkeypatch.syspath_prepend(str(out))
    modules = {
        name: importlib.import_module(f"{PACKAGE}.{name}")
        for name in [
            "client",
            "models",
            "api.me.me_retrieve",
            "api.me.me_partial_update",
            "api.campaigns.campaigns_list",
            "api.campaigns.campaigns_retrieve",
            "api.campaigns.campaigns_targets_retrieve",
            "api.calls.calls_create",
            "api.calls.calls_list",
            "api.calls.calls_batch_create",
            "api.tallies.campaign_tally",
            "api.tallies.chapter_tally",
            "api.tallies.my_impact",
            "api.officials.officials_list",
        ]
    }
    yield SimpleNamespace(**{name.rsplit(".", 1)[-1]: module for name, module in modules.items()})
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


class SchemaChecks:
    """An httpx response hook: every response must have a documented status and match its schema."""

    def __init__(self, document: dict):
        self.document = document
        self.schema = schemathesis.openapi.from_dict(document)
        self.statuses: list[tuple[str, str, int]] = []
        self.recorded: list[tuple[str, str, int, bytes]] = []

    def __call__(self, response: httpx.Response) -> None:
        response.read()
        method, path = response.request.method, response.request.url.path
        operation = self.schema.find_operation_by_path(method, path)
        assert operation is not None, f"{method} {path} is not in the schema"
        documented = self.document["paths"][operation.path][method.lower()]["responses"]
        assert str(response.status_code) in documented, f"{method} {path}: {response.status_code} is undocumented"
        operation.validate_response(response)
        if response.status_code in (429, 503):
            assert int(response.headers["Retry-After"]) >= 0
        self.statuses.append((method, operation.path, response.status_code))
        self.recorded.append((method, operation.path, response.status_code, response.content))


@pytest.fixture
def world(db):
    offices = missouri_officials()
    chapter = ChapterFactory(name="Jefferson City Callers", slug="jefferson-city", state="MO")
    volunteer = UserFactory(email="partner-app@example.org", name="Pat Partner")
    MembershipFactory(user=volunteer, chapter=chapter, role=Membership.Role.MEMBER)
    _, key = api_token_create(user=volunteer, name="partner app")
    return SimpleNamespace(
        offices=offices, chapter=chapter, volunteer=volunteer, key=key, campaign=campaign_demo_create(chapter=None)
    )


def test_a_generated_client_runs_the_volunteers_whole_flow(
    live_server, schema_document, client_package, world, monkeypatch, tmp_path
):
    gen = client_package
    models = gen.models
    checks = SchemaChecks(schema_document)
    hooks = {"event_hooks": {"response": [checks]}}

    def authenticated(token: str):
        # The generated client's default is `Authorization: Bearer <key>`: the server takes it as it is.
        return gen.client.AuthenticatedClient(
            base_url=live_server.url, token=token, raise_on_unexpected_status=True, httpx_args=hooks
        )

    # Anonymous operations take a plain Client; the others need an AuthenticatedClient.
    for anonymous_operation in (gen.officials_list, gen.campaign_tally):
        annotation = inspect.signature(anonymous_operation.sync_detailed).parameters["client"].annotation
        assert set(typing.get_args(annotation)) == {gen.client.AuthenticatedClient, gen.client.Client}
    assert inspect.signature(gen.me_retrieve.sync_detailed).parameters["client"].annotation is (
        gen.client.AuthenticatedClient
    )

    me = authenticated(world.key)
    anonymous = gen.client.Client(base_url=live_server.url, raise_on_unexpected_status=True, httpx_args=hooks)

    def error(response, status: int, code: str):
        assert response.status_code == status, response.content
        assert isinstance(response.parsed, models.ErrorResponse)
        assert response.parsed.error.code == code
        assert response.parsed.error.message
        return response.parsed.error

    # Without a token, or with a revoked one: 401 in the error shape.
    error(gen.me_retrieve.sync_detailed(client=anonymous), 401, "not_authenticated")
    error(
        gen.officials_list.sync_detailed(client=authenticated("no-such-key"), state="MO"), 401, "authentication_failed"
    )

    # Set the ZIP (a bad one first: a 400 naming the field).
    bad = error(
        gen.me_partial_update.sync_detailed(client=me, body=models.PatchedMeInputRequest(zip_code="651")),
        400,
        "validation_error",
    )
    assert bad.fields.additional_properties["zip_code"]
    profile = gen.me_partial_update.sync_detailed(client=me, body=models.PatchedMeInputRequest(zip_code="65101"))
    assert profile.status_code == 200
    assert profile.parsed.state == "MO"
    assert profile.parsed.chapters[0].role == models.MembershipRoleEnum.MEMBER

    # List campaigns; an unknown one is a 404.
    campaigns = gen.campaigns_list.sync_detailed(client=me)
    assert campaigns.status_code == 200
    assert world.campaign.slug in [c.slug for c in campaigns.parsed.results]
    error(gen.campaigns_retrieve.sync_detailed("no-such-campaign", client=me), 404, "not_found")
    error(gen.campaigns_list.sync_detailed(client=me, page=999), 404, "not_found")

    # Targets for ZIP 65101: each action with its officials and filled scripts.
    targets = gen.campaigns_targets_retrieve.sync_detailed(world.campaign.slug, client=me, zip_="65101")
    assert targets.status_code == 200
    assert targets.parsed.state == "MO"
    call_action = next(a for a in targets.parsed.actions if a.kind == models.ActionKindEnum.CALL)
    target = call_action.targets[0]
    assert target.last_outcome is None
    assert target.office.role in models.OfficeRoleEnum
    error(
        gen.campaigns_targets_retrieve.sync_detailed(world.campaign.slug, client=me, zip_="1"), 400, "validation_error"
    )

    # Log a call with an Idempotency-Key, replay it, reuse the key for another call, send bad keys.
    key = str(uuid.uuid4())
    body = models.CallCreateInputRequest(
        campaign=world.campaign.slug,
        action=call_action.id,
        office=target.office.id,
        outcome=models.OutcomeEnum.VOICEMAIL,
        note="left a message",
    )
    first = gen.calls_create.sync_detailed(client=me, body=body, idempotency_key=key)
    assert first.status_code == 201
    assert first.parsed.outcome == models.OutcomeEnum.VOICEMAIL
    assert first.parsed.source == models.SourceEnum.API
    replay = gen.calls_create.sync_detailed(client=me, body=body, idempotency_key=key)
    assert (replay.status_code, replay.parsed.id) == (200, first.parsed.id)
    other = models.CallCreateInputRequest.from_dict({**body.to_dict(), "outcome": "reached"})
    error(gen.calls_create.sync_detailed(client=me, body=other, idempotency_key=key), 422, "idempotency_key_reused")
    for bad_key in ("", "with space", "x" * 101):
        refused = error(
            gen.calls_create.sync_detailed(client=me, body=body, idempotency_key=bad_key), 400, "validation_error"
        )
        assert "Idempotency-Key" in refused.fields.additional_properties
    unknown = models.CallCreateInputRequest.from_dict({**body.to_dict(), "campaign": "no-such-campaign"})
    error(gen.calls_create.sync_detailed(client=me, body=unknown, idempotency_key=str(uuid.uuid4())), 404, "not_found")
    assert CallLog.objects.count() == 1

    # Upload a batch logged offline: one new, one already logged, one bad item.
    item = {k: v for k, v in body.to_dict().items()}
    batch = models.BatchInputRequest(
        calls=[
            models.BatchCallInputRequest.from_dict({**item, "idempotency_key": str(uuid.uuid4())}),
            models.BatchCallInputRequest.from_dict({**item, "idempotency_key": key}),
            models.BatchCallInputRequest.from_dict({**item, "office": 2**62, "idempotency_key": str(uuid.uuid4())}),
        ]
    )
    uploaded = gen.calls_batch_create.sync_detailed(client=me, body=batch)
    assert uploaded.status_code == 200
    assert (uploaded.parsed.created, uploaded.parsed.duplicates, uploaded.parsed.errors) == (1, 1, 1)
    results = uploaded.parsed.results
    assert [r.result for r in results] == [
        models.ResultEnum.CREATED,
        models.ResultEnum.DUPLICATE,
        models.ResultEnum.ERROR,
    ]
    assert results[0].error is None
    assert results[1].id == first.parsed.id
    assert results[2].error.message

    # My calls, page by page with the opaque cursor; a made-up cursor is a 404.
    seen, cursor = [], None
    while True:
        page = gen.calls_list.sync_detailed(client=me, page_size=1, **({"cursor": cursor} if cursor else {}))
        assert page.status_code == 200
        seen += [call.id for call in page.parsed.results]
        cursor = page.parsed.next_cursor
        if cursor is None:
            break
    assert seen == sorted(CallLog.objects.values_list("id", flat=True), reverse=True)
    assert len(seen) == 2
    error(gen.calls_list.sync_detailed(client=me, cursor="made-up"), 404, "not_found")

    # The campaign's public tally (anonymously, with the plain client) and my impact.
    tally = gen.campaign_tally.sync_detailed(world.campaign.slug, client=anonymous)
    assert tally.status_code == 200
    assert tally.parsed.total == 2
    impact = gen.my_impact.sync_detailed(client=me)
    assert impact.status_code == 200
    assert impact.parsed.total == 2
    assert impact.parsed.called_this_week is True

    # A chapter's tally is for its leads: to a member it answers like a missing chapter.
    error(gen.chapter_tally.sync_detailed(world.chapter.slug, client=me), 404, "not_found")

    # Staff without two-factor act as nobody's staff: 403 on every operation.
    _, staff_key = api_token_create(user=UserFactory(is_staff=True), name="staff script")
    error(gen.my_impact.sync_detailed(client=authenticated(staff_key)), 403, "two_factor_required")

    # Over the calls rate: 429 with Retry-After.
    monkeypatch.setattr(CallsRateThrottle, "THROTTLE_RATES", {"calls": "1/min"})
    # At most one call a minute passes, so of three in a row at least two are refused. (Reading my
    # calls spends the per-user allowance, not this one.)
    responses = [
        gen.calls_create.sync_detailed(client=me, body=body, idempotency_key=str(uuid.uuid4())) for _ in range(3)
    ]
    assert gen.calls_list.sync_detailed(client=me).status_code == 200
    throttled = next(
        r for r in responses if r.status_code == 429 and json.loads(r.content)["error"]["code"] == "throttled"
    )
    error(throttled, 429, "throttled")
    assert int(throttled.headers["Retry-After"]) > 0

    # The database unreachable: 503 with Retry-After, in the same shape.
    def database_down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(tally_views.selectors, "tally_impact", database_down)
    unavailable = gen.my_impact.sync_detailed(client=me)
    error(unavailable, 503, "service_unavailable")
    assert int(unavailable.headers["Retry-After"]) > 0

    provoked = {status for _, _, status in checks.statuses}
    assert provoked >= {200, 201, 400, 401, 403, 404, 422, 429, 503}

    # Every response recorded above, errors included, against datamodel-code-generator's models.
    assert validate_with_pydantic_models(schema_document, checks.recorded, tmp_path) == len(checks.recorded) >= 25


def _pydantic_models(document: dict, tmp_path: Path):
    """datamodel-code-generator's pydantic models of the schema's components, imported."""
    source = tmp_path / "pydantic-schema.json"
    source.write_text(json.dumps(document))
    target = tmp_path / "advocacy_models.py"
    _run(
        str(BIN / "datamodel-codegen"),
        "--input",
        str(source),
        "--input-file-type",
        "openapi",
        "--openapi-scopes",
        "schemas",
        "--output",
        str(target),
        "--output-model-type",
        "pydantic_v2.BaseModel",
        "--target-python-version",
        "3.11",
        "--extra-fields",
        "forbid",
        "--field-constraints",
        "--use-annotated",
        "--disable-timestamp",
        # Addresses are checked as text: pydantic's EmailStr would need one more package (email-validator).
        "--type-mappings",
        "string+email=string",
        cwd=tmp_path,
    )
    spec = importlib.util.spec_from_file_location("advocacy_models", target)
    module = importlib.util.module_from_spec(spec)
    sys.modules["advocacy_models"] = module  # pydantic resolves the models' forward references through it
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["advocacy_models"]
    return module


def validate_with_pydantic_models(document: dict, recorded: list, tmp_path: Path) -> int:
    models = _pydantic_models(document, tmp_path)
    validated = 0
    for method, path, status, body in recorded:
        response = document["paths"][path][method.lower()]["responses"][str(status)]
        schema = response["content"]["application/json"]["schema"]
        name = schema["$ref"].rsplit("/", 1)[-1]
        getattr(models, name).model_validate_json(body)
        validated += 1
    return validated


def _docs_python_snippet() -> str:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    section = guide.split("## A generated Python client", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_python_snippet_in_the_api_guide_passes_mypy_strict_against_the_generated_client(client_package, tmp_path):
    """Issue 29: the guide's snippet failed `mypy --strict` (and logged a voicemail on a letter)."""
    snippet = _docs_python_snippet()
    # A voicemail only on a call action; a letter or an email is `sent`.
    assert "OutcomeEnum.VOICEMAIL if action.kind == ActionKindEnum.CALL else OutcomeEnum.SENT" in snippet
    out = tmp_path / "generated"
    (out / "example.py").write_text(snippet)
    _run(str(BIN / "mypy"), "--strict", "--cache-dir", str(tmp_path / "mypy-cache"), "example.py", cwd=out)
