"""Dataset kinds: one module per kind of published dataset, and the registry that lists them.

A kind (aggregate counts, amounts, row-level list...) says, in one module:
- its policy section (the ``<kind>:`` block of a policy) and its shape rules,
  which the policy loader enforces;
- how the dataset is built once its columns are treated (``apply``);
- the rules the open-data suite adds for it (plain data: ``quality/``
  turns them into expectations);
- what the disclosure audit reads of it.

Every other module asks ``anonymisation.kinds.registry.kind_of`` instead of
testing the kind's name. Adding a kind is adding its module here and one
line in ``registry.py`` (docs/anonymisation.md, "How to add a kind").
"""
