"""The meetings' pages, one module per part (urls.py names each view by its module)."""
