"""The upload page (``/upload``, also ``/datasets``): the import wizard and dataset
versions; the header links to it for signed-in users."""
