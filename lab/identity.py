"""Which browser a session runs in: an id kept in a first-party cookie, so that a person who
reloads the page, opens a new tab or a bookmark finds their running training again, and nobody
else does (a URL parameter would travel with a copied address; a cookie stays in the browser).

Streamlit sends the cookies the browser had when the session connected (`st.context.cookies`),
so a returning browser's id is known on the first script run. A browser without the cookie gets
a fresh id, written to the cookie by a tiny inline component (Streamlit's components v2).
"""

from __future__ import annotations

import re
import secrets

import streamlit as st

from lab import state

BROWSER_COOKIE = "aelab_browser"
_ID_PATTERN = re.compile(r"[0-9a-f]{32}")
_ONE_YEAR_S = 365 * 24 * 3600

# Writes this session's id into the cookie unless the browser already holds one; if it holds a
# different one (two first tabs racing), reports that one back so this session adopts it.
_cookie_writer = st.components.v2.component(
    "aelab_browser_cookie",
    js=f"""
export default function(component) {{
    const {{ data, setStateValue }} = component;
    const prefix = "{BROWSER_COOKIE}=";
    const found = document.cookie.split("; ").find(c => c.startsWith(prefix));
    const held = found ? found.slice(prefix.length) : "";
    if (/^[0-9a-f]{{32}}$/.test(held)) {{
        if (held !== data) setStateValue("held", held);
    }} else if (/^[0-9a-f]{{32}}$/.test(data)) {{
        document.cookie = prefix + data + "; path=/; max-age={_ONE_YEAR_S}; SameSite=Strict";
    }}
}}
""",
)


def _sent_cookie() -> str:
    """The id cookie the browser sent when this session connected, or "" (none, malformed, or
    under AppTest, whose mocked client answers with a mock instead of a string)."""
    value = st.context.cookies.get(BROWSER_COOKIE)
    return value if isinstance(value, str) and _ID_PATTERN.fullmatch(value) else ""


def identify_browser() -> str:
    """Find out this browser's id, writing a new one to its cookie if it has none; call it once
    per script run, before anything asks for `browser_id()` (app.py does)."""
    sent = _sent_cookie()
    if state.BROWSER_ID not in st.session_state:
        st.session_state[state.BROWSER_ID] = sent or secrets.token_hex(16)
    if sent != st.session_state[state.BROWSER_ID]:
        held = _cookie_writer(data=st.session_state[state.BROWSER_ID], key=state.BROWSER_COOKIE,
                              height=0, on_held_change=lambda: None).get("held")
        if held and _ID_PATTERN.fullmatch(held):
            st.session_state[state.BROWSER_ID] = held
    return st.session_state[state.BROWSER_ID]


def browser_id() -> str:
    """This browser's id: 32 hex characters, the same for every tab, reload and bookmark of one
    browser profile, another for every other browser (person)."""
    return st.session_state.get(state.BROWSER_ID) or identify_browser()
