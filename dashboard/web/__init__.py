"""HTTP endpoints beside the Dash page (Flask blueprints the factory registers):
``api`` (/healthz, /api/v1/meta, data.csv, geometry), ``exports`` (/export/... files),
``uploads`` (/api/v1/uploads, /api/v1/datasets)."""
