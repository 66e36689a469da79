"""Maps and briefings as files: ``render`` (the warm kaleido renderer in Debian's
chromium, inline geometry, PDF text repair and merging, export caching) and
``briefing`` (the A4 sheets: map, key figures, priority counties, clusters, method)."""
