"""The reference-data loaders: the years of the source documents, loaded idempotently into the models.

``common`` holds what both loaders share (the bundled copy of the JSON files, reading them, the load summary, the
unit types and strategic-link kinds); ``fy2566`` loads the FY2566 framework of document 003 (``manage.py
load_reference_data``) and ``fy2564`` the monitoring-only FY2564 of document 000 (``manage.py load_fy2564``). Each
loader is a chain of stages, one module per sub-domain, combined by its ``loader`` module.
"""
