"""Comparing API answers across requests: every error body names its own request (`error.request_id`)."""


def same_answer(response) -> dict:
    """The JSON body without the request's own id, so two answers can be compared."""
    body = response.json()
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body["error"].pop("request_id", None)
    return body
