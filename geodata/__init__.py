"""Pure geodata layer: boundaries, codes, storage, demo data and spatial analysis.

Never imports dash, flask or werkzeug (``tests/dashboard/test_factory.py`` checks).
"""
