"""The upload page (``/upload``, ``/datasets``): the import wizard and dataset versions."""
