"""Who may see the dashboard.

Without an ``[auth]`` section in ``.streamlit/secrets.toml`` the app is for local use: it binds to
127.0.0.1 (.streamlit/config.toml, Makefile) and has no sign-in. With ``[auth]`` configured
(Streamlit's built-in OIDC: st.login / st.user / st.logout), every page needs a signed-in user whose
email, or its domain, is listed in the ``[access]`` section:

    [access]
    allowed_emails = ["analyst@example.org"]
    allowed_domains = ["example.org"]      # the exact part after "@"; subdomains are not included
    provider = "google"                    # the [auth.<provider>] to sign in with; omit for a flat [auth]

An empty or missing allowlist lets nobody in (fail closed). The rule itself, ``is_allowed``, is pure so
it is tested directly; ``gate`` is what app.py calls before st.navigation runs any page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import streamlit as st

from dashboard.ui import md_escape

_SIGN_IN = {
    "title": ("Sign in required", "需要登录"),
    "intro": (
        "This dashboard is restricted to listed users. Sign in with your organisation account.",
        "本看板仅向授权用户开放。请使用机构账号登录。",
    ),
    "button": ("Sign in", "登录"),
    "refused_title": ("Not allowed", "无权访问"),
    "refused": (
        "{email} is signed in but is not on this dashboard's access list. Ask an administrator to add "
        "you, or sign out and use another account.",
        "{email} 已登录，但不在本看板的授权名单中。请联系管理员添加，或退出后改用其他账号。",
    ),
    "unverified": (
        "The identity provider says the email {email} is not verified, so it cannot be checked against "
        "the access list.",
        "身份提供方表示邮箱 {email} 未经验证，无法与授权名单核对。",
    ),
    "sign_out": ("Sign out", "退出登录"),
    "signed_in_as": ("Signed in as {email}", "当前用户：{email}"),
}


def _text(lang: str, key: str, **values: Any) -> str:
    en, zh = _SIGN_IN[key]
    return (zh if lang == "zh" else en).format(**values)


def _lower_set(values: Iterable[Any] | str | None) -> set[str]:
    if values is None:
        return set()
    if isinstance(values, str):
        values = [values]
    return {str(v).strip().lower().lstrip("@") for v in values if str(v).strip()}


def is_allowed(email: str | None, access: Mapping[str, Any] | None) -> bool:
    """True when `email` is listed in access.allowed_emails or its domain in access.allowed_domains.

    Case-insensitive; the domain must match exactly (``a@sub.example.org`` is not ``example.org``)."""
    if not email or "@" not in email:
        return False
    access = access or {}
    email = email.strip().lower()
    domain = email.rsplit("@", 1)[1]
    return email in _lower_set(access.get("allowed_emails")) or domain in _lower_set(access.get("allowed_domains"))


def _secrets_section(name: str) -> Mapping[str, Any] | None:
    # st.secrets raises when no secrets.toml exists at all; that is the local, no-auth case.
    try:
        section = st.secrets.get(name)
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return None
    return section if isinstance(section, Mapping) else None


def auth_configured() -> bool:
    return _secrets_section("auth") is not None


def _provider(auth: Mapping[str, Any], access: Mapping[str, Any]) -> str | None:
    """The provider to pass to st.login: [access] provider, else the only [auth.<name>] table,
    else None (a flat [auth] section with client_id at its top level)."""
    if access.get("provider"):
        return str(access["provider"])
    named = [key for key, value in auth.items() if isinstance(value, Mapping)]
    return named[0] if len(named) == 1 else None


def gate(lang: str = "en") -> None:
    """Run before st.navigation. Returns when the user may see the dashboard (or no auth is
    configured); otherwise shows only the sign-in or refusal page and stops the run, so no page
    and no query runs for this user."""
    auth = _secrets_section("auth")
    if auth is None:
        return
    access = _secrets_section("access") or {}
    user = st.user
    email = str(user.get("email") or "")
    verified = user.get("email_verified")
    if user.get("is_logged_in") and verified is not False and is_allowed(email, access):
        with st.sidebar:
            st.caption(md_escape(_text(lang, "signed_in_as", email=email)))
            st.button(_text(lang, "sign_out"), on_click=st.logout, icon=":material/logout:", key="auth_sign_out")
        return

    def refusal_page() -> None:
        if not user.get("is_logged_in"):
            st.title(_text(lang, "title"))
            st.caption(_text(lang, "intro"))
            st.button(
                _text(lang, "button"),
                on_click=st.login,
                args=(_provider(auth, access),),
                icon=":material/login:",
                key="auth_sign_in",
                type="primary",
            )
            return
        st.title(_text(lang, "refused_title"))
        shown = md_escape(email or "?")
        st.error(_text(lang, "unverified" if verified is False else "refused", email=shown))
        st.button(_text(lang, "sign_out"), on_click=st.logout, icon=":material/logout:", key="auth_sign_out")

    # One hidden page that answers every URL path, so /licensing etc. show this page too.
    sign_in = st.Page(refusal_page, title=_text(lang, "title"), url_path="sign-in", default=True)
    st.navigation([sign_in], position="hidden").run()
    st.stop()
