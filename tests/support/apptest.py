"""Helpers for AppTest: open the real app script on a page with some session state."""

from streamlit.testing.v1 import AppTest

from tests.support import ROOT

TIMEOUT = 120


WIDGET_PREFIX = "_widget_"


def configure(at, **settings):
    """Set settings (`cfg_*` keys and others) as a person would, widgets included."""
    for key, value in settings.items():
        at.session_state[key] = value
        if key.startswith("cfg_"):
            at.session_state[WIDGET_PREFIX + key] = value
    return at


def new_session():
    """The real `app.py` in a new AppTest session, not run yet."""
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)


def open_app(page=None, query=None, **state):
    """Run `app.py` (switching to `page` when given, with URL query parameters `query`) in a
    new session; fail on any exception."""
    at = configure(new_session(), **state)
    at.query_params.update(query or {})
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def button(at, label):
    """The button labelled `label`."""
    return next(b for b in at.button if b.label == label)
