"""`python -m aelib.runs copy --from URL --to URL` (see `aelib.runs.copy`)."""

from aelib.runs.copy import main

main()
