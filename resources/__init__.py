"""The outside systems: the Dagster resources, one module each, and the plain libraries they build on.

- Dagster resources (``dg.ConfigurableResource``): ``sources`` (the three
  source databases), ``staging``, ``candidates``, ``store`` (the output
  store), ``datagouv`` (the data.gouv.fr client); ``extraction`` is the
  function that streams a source table into staging through two of them.
- Plain libraries, without Dagster: ``common`` (the institution's
  configuration, errors, atomic files, the code version, the shared
  vocabulary), ``sourcing`` (source contracts, streaming readers, the
  staging folders), ``publishing`` (the candidates' folders, the published
  files, metadata, catalogue, national schemas, the store's folders and
  integrity, alerts). Each Dagster resource of a folder (``staging``,
  ``candidates``, ``store``) is its plain class plus its configuration.
"""
