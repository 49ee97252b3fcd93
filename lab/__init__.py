"""The lab's shared UI code: what the page scripts in `pages/` have in common.

`app.py` lists the pages with `st.navigation` (`lab.navigation`). Streamlit also knows an older
way, a `pages/` folder of scripts beside the entry point, and until some script run has called
`st.navigation` it treats that folder so: a bookmark to `/train` opened first on a freshly started
server would run `train.py` alone, without `app.py` (no navigation, no sidebar, no settings).
Every page imports this package first, so here such a run switches Streamlit to `app.py`'s
navigation and starts over.
"""

from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False  # what st.navigation itself sets
    _context = get_script_run_ctx()
    if _context is not None and \
            _context.pages_manager.current_page_script_hash != \
            _context.pages_manager.main_script_hash:
        import streamlit as st

        st.rerun()  # this time through app.py, which routes to the same page
