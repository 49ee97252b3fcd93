"""The lab's pages, named once: every script exists, every page script is listed, Home leads."""

from lab.navigation import ANALYSIS_PAGES, HOME_PAGE, PAGES
from tests.support import ROOT


def test_every_listed_page_exists_and_every_page_script_is_listed_once():
    listed = [script for script, _, _ in PAGES]
    assert sorted(listed) == sorted(f"pages/{path.name}" for path in (ROOT / "pages").glob("*.py"))
    assert len(set(listed)) == len(listed) and listed[0] == HOME_PAGE
    assert len({title for _, title, _ in PAGES}) == len(PAGES)  # no two pages share a title


def test_the_analysis_pages_are_pages_of_the_lab():
    assert set(ANALYSIS_PAGES) <= {script for script, _, _ in PAGES}
