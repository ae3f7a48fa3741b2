"""Signals accounts sends for the apps above it (which accounts may not import)."""

from django.dispatch import Signal

# A lead made a new join link: every link given out before stops working. Args: chapter, user.
join_link_rotated = Signal()
