"""Pure geodata layer: boundaries, codes, storage, demo data and spatial analysis.

Never imports dash or flask.
"""
