"""A TypeScript client generated from the live schema works: openapi-typescript's types with its defaults,
openapi-fetch, `tsc --strict`, and the volunteer's flow run with node against the test server.

The npm packages are pinned in clients/typescript/package-lock.json and installed by `make install-dev`
(`npm ci`); the flow is clients/typescript/src/flow.ts.
"""

import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from accounts.models import Membership
from accounts.services import api_token_create
from campaigns.services import campaign_demo_create
from tallies.models import CallLog
from tests.factories.accounts import MembershipFactory, UserFactory
from tests.factories.officials import missouri_officials

CLIENT = Path(__file__).resolve().parents[2] / "clients" / "typescript"
BIN = CLIENT / "node_modules" / ".bin"

pytestmark = pytest.mark.django_db(transaction=True)


def _run(*args: str, env: dict | None = None) -> str:
    done = subprocess.run(args, cwd=CLIENT, capture_output=True, text=True, timeout=300, check=False, env=env)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_a_generated_typescript_client_type_checks_and_runs_the_volunteers_flow(live_server, chapter):
    assert (BIN / "tsc").exists(), "run `make install-dev` (npm ci in clients/typescript)"
    missouri_officials()
    volunteer = UserFactory(email="ts-client@example.org", name="Tess Script")
    MembershipFactory(user=volunteer, chapter=chapter, role=Membership.Role.MEMBER)
    _, key = api_token_create(user=volunteer, name="typescript")
    campaign = campaign_demo_create(chapter=None)

    schema = httpx.get(f"{live_server.url}/api/schema/?format=json", timeout=30)
    assert schema.status_code == 200
    generated = CLIENT / "generated"
    shutil.rmtree(generated, ignore_errors=True)
    generated.mkdir()
    schema_file = generated / "openapi.json"
    schema_file.write_text(schema.text)
    shutil.rmtree(CLIENT / "build", ignore_errors=True)

    _run(str(BIN / "openapi-typescript"), str(schema_file), "-o", str(generated / "schema.d.ts"))
    _run(str(BIN / "tsc"), "-p", ".", "--strict")
    env = {**os.environ, "API_BASE_URL": live_server.url, "API_TOKEN": key, "API_CAMPAIGN": campaign.slug}
    output = _run(shutil.which("node") or "node", str(CLIENT / "build" / "src" / "flow.js"), env=env)

    assert '"ok":true' in output
    assert CallLog.objects.filter(user=volunteer).count() == 2
