"""One mailbox, one account: the key an address is unique by.

Mail servers deliver `Ann+rally@Example.org` and `ann@example.org` to the same mailbox (case is
not significant in practice, and `+tag` is a sub-address), so both reduce to one key. Uniqueness,
invitation suppression and the invitee check all compare keys, never raw addresses.
"""


def email_key(address: str) -> str:
    """`Ann+Tag@Example.ORG` -> `ann@example.org`: lower case, without the local part's `+tag`."""
    address = (address or "").strip().lower()
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    local = local.split("+", 1)[0] or local
    return f"{local}@{domain}"
