"""The briefing page (``?briefing=1``): the view as a sheet, without controls."""
