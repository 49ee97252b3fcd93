"""Free what a session owned once Streamlit has dropped it.

Streamlit keeps a closed tab's session for `server.disconnectedSessionTTL` seconds (120 by
default) so that a reconnect finds it. After that, Streamlit 1.67 forgets it without shutting it
down: its session storage (`MemorySessionStorage`, a TTL cache) stops handing the session out,
but removes the entry only when another session disconnects, and never calls
`AppSession.shutdown`. Until then the session keeps everything: `st.session_state` (the model,
data, training job, results, upload), the page scripts' variables (its fragments hold them) and
its uploaded files; after it, the whole session is a cycle that waits for a full garbage
collection, which is rare in a process holding TensorFlow's millions of objects. On a quiet
server the last sessions stay for good.

`watch_session()`, called on every script run (`app.py`), registers the session with one
watcher per process. Every `SWEEP_SECONDS` the watcher asks the session manager which sessions
it still holds (connected, or stored within their time-to-live: the same test Streamlit makes
when a tab reconnects). For each registered session it no longer holds, the watcher:
- abandons the jobs in its state (`aelib.jobs.job`) that no live session holds (a reload takes its
  running training up in a new session): one still waiting for a training slot never
  trains; a training under way finishes and saves its run in the store, where its owner can find
  it on the Runs page, without the background t-SNE nobody would look at;
- empties its session state;
- takes the session out of Streamlit's storage and shuts it down as Streamlit does when it closes
  a session (its uploaded files, media and script thread go);
- once none of the abandoned trainings runs any more, collects Python's garbage and gives free
  memory back to the system (`aelib.memory.give_back`).

The watcher holds weak references only. Reading which sessions the manager holds, and taking one
out of its storage, use Streamlit's private `Runtime._session_mgr` and its `_session_storage`
and `_storage_lock`; without them (another Streamlit version) nothing is released, and
`tests/test_session_end.py` fails.
"""

from __future__ import annotations

import contextlib
import threading
import time
import weakref

import aelib.memory

SWEEP_SECONDS = 2.0


class SessionWatcher:
    """The sessions registered by their script runs, released once Streamlit drops them."""

    def __init__(self):
        self._lock = threading.Lock()
        # session id -> its AppSession, and the connections (ActiveSessionInfo) it had
        self._sessions: dict[str, tuple[weakref.ref, list[weakref.ref]]] = {}
        self._abandoned: list[weakref.ref] = []  # jobs of ended sessions, until they end
        self._released = False  # a session was released since the last give_back
        self._thread: threading.Thread | None = None

    def watch(self, connection) -> None:
        """Register a session by its connection (Streamlit's `ActiveSessionInfo`: its
        `AppSession` and websocket client). Starts the watcher's thread on first use."""
        session = connection.session
        with self._lock:
            _, connections = self._sessions.setdefault(session.id, (weakref.ref(session), []))
            if all(known() is not connection for known in connections):  # unhashable
                connections.append(weakref.ref(connection))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="aelib-session-end",
                                                daemon=True)
                self._thread.start()

    def sweep(self) -> list[str]:
        """Release the registered sessions Streamlit no longer holds, and give memory back once
        their trainings have ended. Returns the ids released now."""
        manager = _session_manager()
        if manager is None:
            return []
        with _storage_lock(manager):  # the server's thread changes the storage
            held = {info.session.id for info in manager.list_sessions()}
        with self._lock:
            ended = {session_id: self._sessions.pop(session_id)
                     for session_id in list(self._sessions) if session_id not in held}
        for session_id, (session, connections) in ended.items():
            _forget(manager, session_id, connections)
            if session() is not None:
                self._release(session(), kept=self._held_by_live_sessions())
        with self._lock:
            self._released = self._released or bool(ended)
            self._abandoned = [ref for ref in self._abandoned
                               if ref() is not None and ref().active]
            due = self._released and not self._abandoned
            if due:
                self._released = False
        if due:
            aelib.memory.give_back()
        return list(ended)

    def _held_by_live_sessions(self) -> set[int]:
        """Ids of the values in the state of the sessions still registered: a training taken
        up by another tab after a reload is still looked at."""
        with self._lock:
            sessions = [session() for session, _ in self._sessions.values()]
        for _ in range(3):  # another thread may change a state while it is read
            with contextlib.suppress(RuntimeError):
                return {id(value) for session in sessions if session is not None
                        for value in session.session_state.filtered_state.values()}
        return set()

    def _release(self, session, kept: set[int]) -> None:
        """Abandon a session's jobs (but those in `kept`, ids of values a live session holds),
        empty its state, and shut it down as Streamlit does when it closes a session (its
        uploaded files, media and script thread go). Its fragments and unsent messages go too:
        they hold the pages' variables (a page's `job`, `data`)."""
        state = session.session_state
        jobs = [value for value in state.filtered_state.values()
                if hasattr(value, "abandon") and id(value) not in kept]
        state.clear()
        for job in jobs:  # a TrainingJob, or a JobQueue of them
            job.abandon()
            with self._lock:
                self._abandoned.extend(weakref.ref(each) for each in getattr(job, "jobs", [job]))
        session.shutdown()
        session.flush_browser_queue()
        fragments = getattr(session, "_fragment_storage", None)
        if fragments is not None:
            fragments.clear()

    def _run(self) -> None:
        while True:
            time.sleep(SWEEP_SECONDS)
            try:
                self.sweep()
            except Exception:  # noqa: BLE001 - the watcher must outlive a surprise
                continue  # (a session list that changed while read): the next sweep


def _session_manager():
    """Streamlit's session manager, or None outside a server or in a Streamlit without one."""
    from streamlit import runtime

    if not runtime.exists():
        return None
    manager = getattr(runtime.get_instance(), "_session_mgr", None)
    return manager if hasattr(manager, "list_sessions") else None


def _storage_lock(manager):
    """The lock under which the session manager moves sessions in and out of its storage."""
    return getattr(manager, "_storage_lock", None) or contextlib.nullcontext()


def _forget(manager, session_id: str, connections) -> None:
    """Drop Streamlit's last references to an expired session: its entry in the manager's
    storage (it would stay until another session disconnects), and its connections, one of
    which the runtime's message loop keeps in a variable (`active_session_info` in
    `Runtime._loop_coroutine`) until it next sends to another session."""
    storage = getattr(manager, "_session_storage", None)
    if storage is not None:
        with _storage_lock(manager), contextlib.suppress(KeyError):
            storage.delete(session_id)  # an expired entry says KeyError once removed
    for connection in filter(None, (known() for known in connections)):
        connection.session = connection.client = None


WATCHER = SessionWatcher()


def watch_session() -> None:
    """Register the session of the script run calling it, so that what it owned is released
    when Streamlit drops it. Call it on every run (from `app.py`); it does nothing outside a
    real server (AppTest, a bare script)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    manager = _session_manager()
    info = manager.get_active_session_info(context.session_id) \
        if context is not None and manager is not None else None
    if info is not None:
        WATCHER.watch(info)
