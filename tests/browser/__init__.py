"""The real app in headless Chromium, as a learner uses it."""
