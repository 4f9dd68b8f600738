"""Who may edit on this server: the editing mode, the editor password and its guessing brakes.

An editor uploads, corrects, relabels and refits; everyone else reads. The password is kept
hashed in the settings (`speechtrack hash-password`); a session that gave it stays unlocked for
`EDITOR_SESSION_SECONDS`.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
from typing import Literal

import streamlit as st

from corpus.access import check_password
from dashboard.cache import get_store
from dashboard.settings import load_settings

_EDITOR = "editor_unlocked"


def editor_password_hash() -> str:
    """Return the editor password hash of this deployment ("" when anyone may edit)."""
    return load_settings().editor_password_hash


EditingMode = Literal["password", "local", "open", "off", "read_only"]


def serves_this_machine_only() -> bool:
    """Return True when the server listens on a loopback address only (the default)."""
    address = str(st.get_option("server.address") or "").strip()
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False  # no address: every interface


def editing_mode() -> EditingMode:
    """Return who may edit on this server.

    "password": an editor password is set, and a session that gave it may edit; "local": no
    password, and the server listens on this machine only, so whoever sits at it may; "open": no
    password, reachable from other machines, and the operator said everyone may
    (SPEECHTRACK_OPEN_EDITING=1); "off": no password and reachable from other machines, so
    nobody may edit until one is set; "read_only": the database connection cannot write (a
    viewer server), so nobody edits here.
    """
    if get_store().read_only:
        return "read_only"
    if editor_password_hash():
        return "password"
    if load_settings().open_editing:
        return "open"
    return "local" if serves_this_machine_only() else "off"


def is_editor() -> bool:
    """Return True when this session may upload, edit, relabel and refit."""
    mode = editing_mode()
    if mode == "password":
        unlocked = st.session_state.get(_EDITOR)
        if not isinstance(unlocked, float):
            return False
        if time.monotonic() - unlocked > EDITOR_SESSION_SECONDS:
            st.session_state.pop(_EDITOR, None)  # expired: the password again
            return False
        return True
    return mode in ("local", "open")


# Guessing the editor password: after three wrong tries from a session or a client address, each
# further try waits (5 s, then twice as long each time, up to a minute) and is refused unread
# meanwhile, so guesses cost the guesser time and the server no scrypt; every failure is logged.
FREE_TRIES = 3
MAX_WAIT_SECONDS = 60.0
EDITOR_SESSION_SECONDS = 8 * 3600  # an unlocked session locks again after this long
_FAILURES = "editor_failures"
_failures_by_address: dict[str, tuple[int, float]] = {}
_failures_lock = threading.Lock()
_auth_log = logging.getLogger("speechtrack.auth")


def _wait_after(failures: int) -> float:
    """5 s after the third wrong try in a row, then 10, 20, 40, then a minute each."""
    if failures < FREE_TRIES:
        return 0.0
    return min(MAX_WAIT_SECONDS, 5.0 * 2.0 ** (failures - FREE_TRIES))


def _client_address() -> str:
    try:
        return str(st.context.ip_address or "unknown")
    except Exception:  # no request behind this run (a test harness): one shared address
        return "unknown"


def password_wait() -> float:
    """Return how many seconds this session (or its client address) must wait before the next
    password try is read (0 when it may try now)."""
    now = time.monotonic()
    count, last = st.session_state.get(_FAILURES, (0, 0.0))
    with _failures_lock:
        by_address, last_address = _failures_by_address.get(_client_address(), (0, 0.0))
    waits = (last + _wait_after(count) - now, last_address + _wait_after(by_address) - now)
    return max(0.0, *waits)


def unlock_editing(password: str) -> bool:
    """Check the editor password (hashed, constant time); remember success for this session.

    A try made while `password_wait` is above zero is refused without being read.
    """
    if password_wait() > 0:
        return False
    ok = check_password(password, editor_password_hash())
    address = _client_address()
    if ok:
        st.session_state[_EDITOR] = time.monotonic()
        st.session_state.pop(_FAILURES, None)
        with _failures_lock:
            _failures_by_address.pop(address, None)
        return True
    now = time.monotonic()
    count = st.session_state.get(_FAILURES, (0, 0.0))[0] + 1
    st.session_state[_FAILURES] = (count, now)
    with _failures_lock:
        by_address = _failures_by_address.get(address, (0, 0.0))[0] + 1
        _failures_by_address[address] = (by_address, now)
    _auth_log.warning(
        "editor password refused for client %s (%d wrong tries from it, %d in this session)",
        address,
        by_address,
        count,
    )
    return False
