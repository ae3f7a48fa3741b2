"""POST /api/v1/calls/ with an API token, without the per-request cost of the HTML pages' middleware and DRF.

Why: the call endpoint is the platform's hot path (every volunteer's tap on a national call
day). Through the full middleware stack and DRF, a call cost several milliseconds of Python
and seven SQL statements; the profile is in bench/README.md. This middleware, placed right
after the security and body-size middleware, answers the common case itself:

- a token request (`Authorization: Token|Bearer`) with a JSON body whose fields are plainly
  valid, by a caller who is active and not staff. Anything else (session requests, staff, whose
  two-factor check lives in the token authentication, malformed input, an unknown or revoked
  token) goes on, untouched, to the DRF view (tallies/api/calls.py), which answers with its
  usual errors. Nothing is written or counted before that decision.
- the rules stay in tallies.services.call_log_create, which this path calls like the view does;
  the campaign, action and office lookups and their errors are the view's (`call_targets`).
- one Redis round trip: the calls rate (INCRBY + EXPIRE), the token's shared entry and the
  generations that validate it and the process caches (the token's user, campaigns, officials),
  in one Lua script. Redis down: the rate lets calls through and nothing cached is trusted (the
  database is read), as elsewhere.
- one PostgreSQL statement for a warm national call: the call function (tallies/sql/writes.py),
  which takes the per-office lock, then runs the INSERT with the per-office limit, the holder and
  the chapter inside it. Tokens come from Redis (accounts/api/token_cache.py);
  campaigns with their actions, offices and the caller's officials per ZIP from per-process caches
  (tallies/api/fast_path_caches.py), each trusted only under the generation it was read with
  (advocacy.cache.Generation): campaign and action writes replace the campaigns generation
  (campaigns/cache.py), officials writes the officials lookup cache's (officials/cache.py), token
  revocations and user changes the user's (accounts/api/token_cache.py).
- errors raised after the rate was taken (the rules, 404/400 for unknown targets, 429, a
  database outage's 503) go through the API's exception handler, so their shape is the API's.
"""

import json
from dataclasses import replace

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from rest_framework.exceptions import Throttled
from rest_framework.renderers import JSONRenderer

from accounts.api import token_cache
from accounts.models import User, hash_token_key
from accounts.tokens import NotATokenHeader, TokenRefused, token_key_from_header, token_refusal, token_touch
from advocacy.api.exceptions import api_exception_handler
from advocacy.api.parsers import json_body
from advocacy.cache import new_generation, redis_configured
from campaigns.cache import GENERATION as CAMPAIGNS_GENERATION
from officials.cache import GENERATION as OFFICIALS_GENERATION
from tallies.call_input import CallInput, idempotency_key_valid, parse_call
from tallies.models import Source
from tallies.rate_limits import ScriptTail, calls_rate_key, calls_rate_take_with
from tallies.services import call_log_create

from .fast_path_caches import cached_caller_offices, cached_fixed_targets, cached_targets

PATH = "/api/v1/calls/"


class _Fallthrough(Exception):
    """The request is not the common case: the DRF view answers it."""


def _datetime(value, zone):
    """As DRF's DateTimeField renders it (in the current time zone; UTC as 'Z')."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _render(call, *, campaign, office, status: int) -> HttpResponse:
    """The body of CallOutputSerializer(call).data, without building a serializer per call."""
    person = call.person if call.person_id is not None else None
    zone = timezone.get_current_timezone()
    data = {
        "id": call.pk,
        "campaign": campaign.slug,
        "action": call.action_id,
        "office": call.office_id,
        "office_title": str(office),
        "person": call.person_id,
        "person_name": person.name if person is not None else None,
        "outcome": call.outcome,
        "note": call.note,
        "share_note": call.share_note,
        "sign_note": call.sign_note,
        "contact_point": call.contact_point_id,
        "source": call.source,
        "client_timestamp": _datetime(call.client_timestamp, zone),
        "created_at": _datetime(call.created_at, zone),
    }
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _response(body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode(), status)


def _response(body: bytes, status: int, headers=()) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json", status=status)
    response["Vary"] = "Accept"
    response["Allow"] = "GET, POST, HEAD, OPTIONS"
    for name, value in headers:
        if name.lower() != "content-type":
            response[name] = value
    return response


def _token_hash(request) -> str:
    """The key's hash, read as the DRF authentication class reads it (accounts.tokens); else fall through."""
    try:
        key = token_key_from_header(request.META.get("HTTP_AUTHORIZATION", "").encode("latin-1", errors="replace"))
    except (NotATokenHeader, TokenRefused) as exc:
        raise _Fallthrough from exc
    return hash_token_key(key)


def _parse(request) -> CallInput:
    """The call, when the body is one (tallies.call_input, as the view parses it); anything else falls through.

    Errors are the view's to answer: it decodes and parses with the same two functions, so a
    body gets the same answer on either path.
    """
    if request.content_type != "application/json":
        raise _Fallthrough
    try:
        return parse_call(json_body(request.body, request.META.get("CONTENT_TYPE")))
    except Exception as exc:  # noqa: BLE001 - any refusal of the body is the view's to word
        raise _Fallthrough from exc


def _idempotency_key(request) -> str | None:
    key = request.META.get("HTTP_IDEMPOTENCY_KEY")
    if key is not None and not idempotency_key_valid(key):
        raise _Fallthrough
    return key


def _usable(entry) -> bool:
    """accounts.tokens' check; staff go to the DRF view, whose authentication applies their two-factor rule."""
    return token_refusal(entry) is None and not entry.is_staff


# After the calls rate (tallies/rate_limits.py): set the generations that are missing, tell the
# other processes whose token this is when this process has just read it from the database, and
# read the generations with the token's published entry.
# KEYS[2] the user's generation, KEYS[3] the token's entry, KEYS[4] the campaigns' generation,
# KEYS[5] the officials' generation, KEYS[6] (first sight only) the token's user;
# ARGV[3] a fresh generation (for either that is missing), ARGV[4] the user's id.
_TAIL_LUA = """
redis.call('SET', KEYS[2], ARGV[3], 'NX')
redis.call('SET', KEYS[4], ARGV[3], 'NX')
if KEYS[6] then redis.call('SET', KEYS[6], ARGV[4]) end
return redis.call('MGET', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
"""


def _redis_round_trip(user_id: int, key_hash: str, *, new_token: bool):
    """The calls rate, the token's shared entry and the three generations, in one round trip.

    Returns (granted, wait, user generation, token entry as published, campaigns generation,
    officials generation); the last four None when Redis was not reached. Without Redis configured
    (`make run`'s default) the campaigns and officials generations are read from the embedded
    cache (advocacy.cache.Generation): no token is trusted, but the process caches still serve.
    """
    keys = [
        token_cache.generation_key(user_id),
        token_cache.entry_key(key_hash),
        CAMPAIGNS_GENERATION.key,
        OFFICIALS_GENERATION.key,
    ]
    args = [new_generation()]
    if new_token:
        keys.append(token_cache.user_key(key_hash))
        args.append(user_id)
    granted, wait, more = calls_rate_take_with(
        ident=calls_rate_key(user_id=user_id), more=ScriptTail(_TAIL_LUA, tuple(keys), tuple(args))
    )
    if more is not None:
        return granted, wait, *more
    if redis_configured():  # Redis failing: trust nothing cached
        return granted, wait, None, None, None, None
    return granted, wait, None, None, CAMPAIGNS_GENERATION.current(), OFFICIALS_GENERATION.current()


def _authenticate(key_hash: str):
    """(token entry, calls granted, wait, the generation the entry may be published under or None,
    campaigns generation, officials generation), or fall through.

    A token this process knows the user of is checked by the Redis round trip alone, while the
    entry another request published is still under the user's generation; otherwise it is read
    from the database (after the generation, so it is published for the next requests).
    """
    user_id = token_cache.user_id_for(key_hash)
    first_sight = None
    if user_id is None:
        first_sight = token_cache.load(key_hash)
        if not _usable(first_sight):
            raise _Fallthrough  # unknown, revoked, inactive or staff: the DRF view answers
        user_id = first_sight.user_id
        token_cache.learn_user(key_hash, user_id)
    granted, wait, generation, published, campaigns, officials = _redis_round_trip(
        user_id, key_hash, new_token=first_sight is not None
    )
    if first_sight is not None:
        entry = first_sight  # read before the generation: good for this request, never published
        generation = None
    else:
        entry = token_cache.trusted(published, generation)
        if entry is None:
            entry = token_cache.load(key_hash)
            if entry is not None and generation is not None:
                token_cache.publish(key_hash, entry, generation)
        if not _usable(entry):
            raise _Fallthrough  # revoked, deactivated or made staff meanwhile: the view decides
    return entry, granted, wait, generation, campaigns, officials


def _log(request, key_hash: str, values: CallInput, idempotency_key: str | None) -> HttpResponse:
    entry, granted, wait, user_generation, campaigns_generation, officials_generation = _authenticate(key_hash)
    if granted < 1:
        raise Throttled(wait=wait)
    touched = token_touch(entry)
    if touched is not None and user_generation is not None:
        token_cache.publish(key_hash, replace(entry, last_used_at=touched), user_generation)

    generations = (campaigns_generation, officials_generation)
    campaign, action, office = cached_targets(values, generations)
    # Only what the rules and the INSERT read; any other field would be loaded if something asked.
    user = User.from_db(
        None,
        ["id", "is_active", "is_staff", "zip_code", "district_ocd_id"],
        [entry.user_id, True, False, entry.zip_code, entry.district_ocd_id],
    )
    call, created = call_log_create(
        user=user,
        campaign=campaign,
        action=action,
        office=office,
        outcome=values.outcome,
        note=values.note,
        source=Source.API,
        idempotency_key=idempotency_key,
        client_timestamp=values.client_timestamp,
        caller_offices=cached_caller_offices(entry, officials_generation),
        fixed_targets=cached_fixed_targets(action, generations),
        contact_point_id=values.contact_point,
        share_note=values.share_note,
        sign_note=values.sign_note,
    )
    return _render(call, campaign=campaign, office=office, status=201 if created else 200)


class CallFastPathMiddleware:
    """Answers POST /api/v1/calls/ with a token itself; every other request goes on unchanged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or request.path_info != PATH:
            return self.get_response(request)
        # Before LocaleMiddleware: the errors speak the language asked for (`?lang=`, then
        # Accept-Language), as on the DRF view; an unknown `lang` goes on to get its 400 there.
        lang = request.GET.get("lang")
        if lang is not None and lang not in dict(settings.LANGUAGES):
            return self.get_response(request)
        with translation.override(lang or translation.get_language_from_request(request)):
            response = self._answer(request)
            patch_vary_headers(response, ("Accept-Language",))
            response.setdefault("Content-Language", translation.get_language())
        return response

    def _answer(self, request):
        try:
            key_hash = _token_hash(request)
            values = _parse(request)
            idempotency_key = _idempotency_key(request)
            return _log(request, key_hash, values, idempotency_key)
        except _Fallthrough:
            return self.get_response(request)
        except Exception as exc:
            response = api_exception_handler(exc, {"request": request})
            if response is None:
                raise
            body = JSONRenderer().render(response.data)
            return _response(body, response.status_code, response.items())
