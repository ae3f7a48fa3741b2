"""Counting calls logged and refused for /metrics, at the one service each path goes through.

call_log_create (the page, the API and its fast path) and call_log_create_batch are wrapped
here; the calls rate counts its own refusals (tallies/rate_limits.py), since a call over the
rate never reaches a service.
"""

from functools import wraps

from django.core.exceptions import ValidationError

from advocacy import metrics

# The domain errors' codes (tallies/services/rules.py), by the reason /metrics gives them. By
# code rather than class: the services import this module.
_REASON_BY_CODE = {
    "too_many_calls_to_office": "per_office_limit",
    "idempotency_key_reused": "idempotency_conflict",
    "zip_code_required": "constituent_rule",
    "throttled": "rate",
}
# A refusal on these fields means "not one of your officials": the constituent rule.
_CONSTITUENT_FIELDS = frozenset({"office"})


def refusal_reason(exc: Exception) -> str:
    reason = _REASON_BY_CODE.get(getattr(exc, "code", None))
    if reason:
        return reason
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict") and set(exc.error_dict) & _CONSTITUENT_FIELDS:
        return "constituent_rule"
    return "invalid"


def _item_refusal_reason(error: dict) -> str:
    reason = _REASON_BY_CODE.get(error.get("code"))
    if reason:
        return reason
    return "constituent_rule" if set(error.get("fields") or ()) & _CONSTITUENT_FIELDS else "invalid"


def counted_call(service):
    """Count a logged call by source and outcome, or a refusal by reason; a replay counts as neither."""

    @wraps(service)
    def wrapped(*args, **kwargs):
        try:
            call, created = service(*args, **kwargs)
        except Exception as exc:
            metrics.call_refused(refusal_reason(exc))
            raise
        if created:
            metrics.call_logged(source=call.source, outcome=call.outcome)
        return call, created

    return wrapped


def counted_batch(service):
    """Count a batch's new calls by outcome and its refused items by reason."""

    @wraps(service)
    def wrapped(*args, items, **kwargs):
        results = service(*args, items=items, **kwargs)
        for item, result in zip(items, results, strict=False):
            if result.status == "created":
                outcome = item.get("outcome") if isinstance(item, dict) else None
                metrics.call_logged(source="batch", outcome=str(outcome))
            elif result.status == "error" and result.error:
                metrics.call_refused(_item_refusal_reason(result.error))
        return results

    return wrapped
