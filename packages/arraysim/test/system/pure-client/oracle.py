"""Shared by the oracle scripts: the served arrays (from $ORACLE), connecting with Pure's client,
and checks that a response parsed into the FA_2_20 models. The Node test serves the arrays."""
import json
import os
import time

from pypureclient.flasharray import Client
from pypureclient.flasharray.FA_2_20 import models as M  # noqa: F401  (re-exported for the scripts)
from pypureclient.responses import ErrorResponse, ValidResponse

CONFIG = json.loads(os.environ["ORACLE"])
checks = 0


def connect(side, **kwargs):
    """Pure's client for array `side` ('a', 'b', 'limited'), HTTPS without verification unless told.
    The version is checked against the array's api_version list; it is pinned because the vendored
    subset holds only FA_2_20 while the client's own table lists newer ones the array advertises."""
    arr = CONFIG[side]
    kwargs.setdefault("verify_ssl", False)
    kwargs.setdefault("version", "2.20")
    return Client(arr["target"], api_token=arr["token"], **kwargs)


def name(side):
    return CONFIG[side]["name"]


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        raise AssertionError(what)


def ok(r, what):
    """A ValidResponse with status 200; returns its items as a list (or [] without items)."""
    check(isinstance(r, ValidResponse), f"{what}: expected a ValidResponse, got {type(r).__name__}: {getattr(r, 'errors', r)}")
    check(r.status_code == 200, f"{what}: status {r.status_code}")
    return list(r.items) if r.items is not None else []


def one(r, what):
    items = ok(r, what)
    check(len(items) == 1, f"{what}: expected one item, got {len(items)}")
    return items[0]


def error(r, status, context, phrase, what):
    """An ErrorResponse with `status`, its first error naming `context` with `phrase` in its message."""
    check(isinstance(r, ErrorResponse), f"{what}: expected an ErrorResponse, got {type(r).__name__}")
    check(r.status_code == status, f"{what}: status {r.status_code}, expected {status}")
    e = r.errors[0]
    if context is not None:
        check(e.context == context, f"{what}: context {e.context!r}, expected {context!r}")
    if phrase is not None:
        check(phrase in e.message, f"{what}: message {e.message!r} lacks {phrase!r}")
    return e


DAY_MS = 24 * 3600 * 1000


def just_destroyed(obj):
    """Destroyed a moment ago: time_remaining counts down from the 24 h eradication delay."""
    return obj.destroyed is True and DAY_MS - 60_000 < obj.time_remaining <= DAY_MS


def until(fn, what, timeout=10.0):
    """Polls `fn` until it returns a truthy value (the arrays tick on the system clock)."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def done():
    print(f"ok {checks} checks")
