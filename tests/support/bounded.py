"""Run a hostile case in a Python of its own and measure what it cost: its peak memory."""

import json
import subprocess
import sys
import textwrap

from tests.support import ROOT

_MEASURED = textwrap.dedent("""
    import json, resource
    def peak_mib():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    {setup}
    before = peak_mib()
    try:
        {case}
        outcome = "accepted"
    except ValueError as error:
        outcome = "ValueError: " + str(error)
    print(json.dumps({{"outcome": outcome, "grew_mib": peak_mib() - before}}))
""")


def measure(setup: str, case: str, timeout: float = 300) -> dict:
    """Run `setup`, then `case` (one line), in a new Python; return its `outcome` ("accepted" or
    "ValueError: ...") and by how many MiB `case` raised the process's peak memory. Any other
    exception fails the call with its traceback."""
    code = _MEASURED.format(setup=setup, case=case)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
