"""Who may write review decisions from the app: a signed-in maintainer.

Three ways in, checked on every run (a token removed from the secrets, or a sign-out, takes
effect at the next click):

- OpenID sign-in (``st.login``), configured in ``.streamlit/secrets.toml`` under ``[auth]``,
  for an e-mail in the top-level ``maintainers`` list;
- a maintainer token from the ``[maintainer_tokens]`` table of the secrets (name = token),
  typed into a password field and compared in constant time;
- ``MSKG_MAINTAINER=1`` at start, honoured only when the app listens on the loopback
  interface alone (``server.address`` 127.0.0.1, as `kg app` starts it): then only people
  on this machine can reach it. Anywhere else an environment variable says nothing about
  who is clicking, so it no longer enables writing.

The name written as the decision's ``by`` is the login's e-mail, the token's name, or (local
mode) the git user or login name, as the CLI records it.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAuthError, StreamlitMissingAuthlibError

from kg.tracker.suggest import default_decider

MAINTAINER_ENV = "MSKG_MAINTAINER"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MIN_TOKEN_CHARS = 16  # a shorter secret can be guessed through the form
_TOKEN_STATE = "mskg_maintainer_token"  # the token a visitor signed in with (server-side session state)


@dataclass(frozen=True)
class Access:
    """Who may decide in this session: ``by`` (None: nobody) and, when nobody, why not."""

    by: str | None
    how: str = ""  # "sign-in", "token" or "local"
    why_not: str = ""


def _secret(name: str) -> Any:
    try:
        return st.secrets.get(name)
    except FileNotFoundError:  # no secrets file at all (StreamlitSecretNotFoundError), or one that does not parse
        return None


def maintainer_tokens() -> dict[str, str]:
    """``[maintainer_tokens]`` of the secrets: maintainer name -> token (long enough ones only)."""
    table = _secret("maintainer_tokens")
    if not isinstance(table, Mapping):
        return {}
    return {str(name): str(token) for name, token in table.items()
            if isinstance(token, str) and len(token) >= MIN_TOKEN_CHARS}


def weak_tokens() -> list[str]:
    """The names whose token is too short (or not a text) to be accepted, for the page to say so."""
    table = _secret("maintainer_tokens")
    if not isinstance(table, Mapping):
        return []
    return sorted(str(n) for n, t in table.items() if not isinstance(t, str) or len(t) < MIN_TOKEN_CHARS)


def token_owner(typed: str, tokens: Mapping[str, str]) -> str | None:
    """The maintainer whose token ``typed`` is; every token is compared (in constant time each),
    so the time taken does not tell which one nearly matched."""
    owner = None
    for name, token in tokens.items():
        if hmac.compare_digest(typed.encode("utf-8"), token.encode("utf-8")):
            owner = name
    return owner


def login_configured() -> bool:
    return isinstance(_secret("auth"), Mapping)


def maintainer_emails() -> set[str]:
    listed = _secret("maintainers")
    return {str(e).strip().lower() for e in listed} if isinstance(listed, (list, tuple)) else set()


def local_only() -> bool:
    """Whether the server listens on the loopback interface alone (unset: on every interface)."""
    return str(st.get_option("server.address") or "").strip() in LOOPBACK


def review_enabled() -> bool:
    """Whether this app offers maintainer actions at all (to be refused or granted)."""
    return (os.environ.get(MAINTAINER_ENV, "") == "1" or isinstance(_secret("maintainer_tokens"), Mapping)
            or login_configured())


def current_access() -> Access:
    """Who is signed in as a maintainer now, else why nobody is."""
    user = st.user
    if user.get("is_logged_in") is True:
        email = str(user.get("email") or "").strip()
        verified = user.get("email_verified") is not False  # a provider that says "not verified" is believed
        if email.lower() in maintainer_emails() and verified:
            return Access(email, "sign-in")
        signed = (f"signed in as {email or 'a user without an e-mail'}, "
                  + ("who is not in the maintainers list" if verified else "whose provider has not verified it"))
    else:
        signed = ""
    typed = st.session_state.get(_TOKEN_STATE)
    if isinstance(typed, str) and typed:
        owner = token_owner(typed, maintainer_tokens())
        if owner is not None:
            return Access(owner, "token")
        # kept (not cleared) so every later refusal says why, until a sign-in with a valid token
        signed = signed or "the token this session signed in with is no longer a maintainer token"
    env = os.environ.get(MAINTAINER_ENV, "") == "1"
    if env and local_only():
        return Access(default_decider(), "local")
    reasons = [signed] if signed else []
    if env:
        reasons.append(f"{MAINTAINER_ENV}=1 counts only for an app listening on 127.0.0.1 alone (server.address); "
                       f"this one listens on {st.get_option('server.address') or 'every interface'}")
    configured = isinstance(_secret("maintainer_tokens"), Mapping) or login_configured()
    reasons.append("sign in as a maintainer" if configured
                   else "no maintainer sign-in is configured: add [maintainer_tokens] or [auth] and maintainers "
                        "to .streamlit/secrets.toml")
    return Access(None, why_not="; ".join(reasons))


def render_sign_in(access: Access) -> None:
    """The sign-in box: OpenID and token sign-in as configured, or who is signed in."""
    with st.expander("Maintainer sign-in", expanded=access.by is None):
        if access.by is not None:
            st.markdown(f"Signed in as **{access.by}** ({access.how}).")
            if access.how == "token" and st.button("Sign out", key="w_token_sign_out"):
                st.session_state.pop(_TOKEN_STATE, None)
                st.rerun()
            if access.how == "sign-in" and st.button("Sign out", key="w_logout"):
                st.logout()
            return
        st.caption(f"Not signed in: {access.why_not}.")
        if login_configured() and st.button("Sign in with OpenID", key="w_login"):
            try:
                st.login(_provider())
            except (StreamlitAuthError, StreamlitMissingAuthlibError) as exc:
                st.error(f"OpenID sign-in is not usable: {exc} (install medseg-kg[auth] and check [auth] "
                         "in .streamlit/secrets.toml)")
        if maintainer_tokens() or weak_tokens():
            _token_form()


def _provider() -> str | None:
    """The [auth] provider to sign in with: None for one unnamed provider, else the first named."""
    auth = _secret("auth") or {}
    named = [k for k, v in auth.items() if isinstance(v, Mapping)]
    return None if "client_id" in auth or not named else named[0]


def _token_form() -> None:
    for name in weak_tokens():
        st.warning(f"maintainer_tokens.{name} in secrets.toml is shorter than {MIN_TOKEN_CHARS} characters and is "
                   "ignored; make a long one, e.g. python -c \"import secrets; print(secrets.token_urlsafe(32))\"")
    with st.form("w_token_form", clear_on_submit=True):
        typed = st.text_input("Maintainer token", type="password", key="w_token")
        if st.form_submit_button("Sign in with the token"):
            if token_owner(typed, maintainer_tokens()) is None:
                st.error("That is not a maintainer token (see [maintainer_tokens] in secrets.toml); not signed in.")
            else:
                st.session_state[_TOKEN_STATE] = typed
                st.rerun()
