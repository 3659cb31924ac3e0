"""keguan.exchange: one import/export engine for every table a bureau keeps in Excel.

An area describes a table once, as an *import kind* (``kinds.ImportKind``: its columns with Chinese headers,
aliases and cell readers, its natural key, the permission codes, and ``prepare``/``check``/``write``/
``export_rows``), and names it in its ``area.py``. The engine gives every kind the same things:

* a template (``sheets.template_xlsx``): headers, a notes row, an example row, drop-down lists, 填写说明;
* reading .xlsx/.xls/.csv (``reading``): python-calamine, guarded against oversized sheets and files that
  are not what their extension says; headers by name or alias in any order, unknown columns ignored;
* a dry run that reports every problem at once as (row, column, reason) in Chinese (``engine.check_file``),
  and nothing written until the user confirms a clean file; then one transaction (``engine.apply``);
* the failed rows back as an .xlsx in the same layout with a 错误说明 column (``sheets.errors_xlsx``);
* re-import by natural key, counted as added / updated / unchanged;
* large files (``KEGUAN_IMPORT_BACKGROUND_ROWS``, 10,000 rows) checked and written by the background
  worker (django-tasks' database backend, ``keguan worker``) with a progress bar;
* an import history per district (``models.ImportRun``), pages under /exchange/ (``views``), and the
  command line: ``keguan import`` and ``keguan export``.

Kinds write only through their area's services; the engine writes only ``ImportRun`` (``services``).
"""
