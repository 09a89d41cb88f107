"""Dagster definitions only: the assets and asset checks, keys ``[domain, layer, table]`` (``assets.keys``).

The work is done by plain functions of ``anonymisation``, ``quality`` and
``resources``' libraries; an asset body hands it over and reports.
"""
