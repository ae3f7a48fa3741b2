// A volunteer's flow through a client generated from the live schema: openapi-typescript's types (with its
// defaults, no flags) and openapi-fetch. tests/api_client/test_typescript_client.py generates the types,
// type-checks this file with `tsc --strict` and runs it against the test server.
import createClient from "openapi-fetch";
import type { components, paths } from "../generated/schema.js";

type Schemas = components["schemas"];

function check(condition: boolean, what: string): asserts condition {
  if (!condition) {
    throw new Error(`failed: ${what}`);
  }
}

function env(name: string): string {
  const value = process.env[name];
  check(value !== undefined && value !== "", `${name} is set`);
  return value;
}

const baseUrl = env("API_BASE_URL");
const slug = env("API_CAMPAIGN");
// tokenAuth is HTTP bearer in the schema: what generators send, and what the server takes.
const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${env("API_TOKEN")}` } });
const seen: Record<string, number> = {};

// The ZIP, on the profile.
const me = await api.PATCH("/api/v1/me/", { body: { zip_code: "65101" } });
check(me.response.status === 200 && me.data?.state === "MO", "PATCH /me/ sets ZIP 65101 in Missouri");
const refusedZip = await api.PATCH("/api/v1/me/", { body: { zip_code: "651" } });
const zipError: Schemas["ErrorResponse"] | undefined = refusedZip.error;
check(refusedZip.response.status === 400 && zipError?.error.code === "validation_error", "a bad ZIP is a 400");

// The targets for that ZIP: the call action and its first official.
const targets = await api.GET("/api/v1/campaigns/{slug}/targets/", {
  params: { path: { slug }, query: { zip: "65101" } },
});
check(targets.data !== undefined, "targets answer");
const action = targets.data.actions.find((a) => a.kind === "call");
check(action !== undefined, "the campaign has a call action");
const target = action.targets[0];
check(target !== undefined, "the call action has a target");
seen["targets"] = action.targets.length;

// A call: `note` has a default, so leaving it out type-checks.
const call: Schemas["CallCreateInputRequest"] = {
  campaign: slug,
  action: action.id,
  office: target.office.id,
  outcome: "voicemail",
};
const key = crypto.randomUUID();
const first = await api.POST("/api/v1/calls/", { body: call, params: { header: { "Idempotency-Key": key } } });
check(first.response.status === 201 && first.data !== undefined, "the call is logged (201)");
const replay = await api.POST("/api/v1/calls/", { body: call, params: { header: { "Idempotency-Key": key } } });
check(replay.response.status === 200 && replay.data?.id === first.data.id, "its replay answers the same call (200)");

// A refused call: the same key for another body.
const reused = await api.POST("/api/v1/calls/", {
  body: { ...call, outcome: "reached" },
  params: { header: { "Idempotency-Key": key } },
});
check(reused.response.status === 422, "a reused key is a 422");
check(reused.error?.error.code === "idempotency_key_reused", "with its error code");

// A batch logged offline: one new call, one already logged.
const batch = await api.POST("/api/v1/calls/batch/", {
  body: {
    calls: [
      { ...call, idempotency_key: crypto.randomUUID() },
      { ...call, idempotency_key: key },
    ],
  },
});
check(batch.data !== undefined, "the batch answers");
check(batch.data.created === 1 && batch.data.duplicates === 1, "one created, one duplicate");
const results: Schemas["BatchItemResult"][] = batch.data.results;
check(results.map((r) => r.result).join(",") === "created,duplicate", "results in order");

// The campaign's tally, anonymously.
const anonymous = createClient<paths>({ baseUrl });
const tally = await anonymous.GET("/api/v1/campaigns/{slug}/tally/", { params: { path: { slug } } });
check(tally.data !== undefined && tally.data.total === 2, "the tally counts both calls");
seen["total"] = tally.data.total;

console.log(JSON.stringify({ ok: true, ...seen }));
