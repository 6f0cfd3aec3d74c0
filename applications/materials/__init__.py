"""The materials checklist (申报材料): checking an upload, storing it privately, replacing and deleting it.

What the notice's section 三 asks for is data (programmes.MaterialItem rows of the category); this module
decides whether one uploaded file may become a Material of one item:

- its type comes from its content (magic bytes), never from its name: PDF, JPEG, PNG or OFD (a ZIP
  container with OFD.xml at its root, GB/T 33190);
- a PDF must not carry JavaScript or launch actions (raw byte scan AND a walk of the parsed object graph,
  so neither name escapes like ``/J#53`` nor compressed object streams hide them);
- empty files and files over the item's limit are refused before anything is stored; the request body of
  an upload is capped as well (:class:`UploadLimitHandler`) so a huge file is cut off while it streams in;
- the user's filename is only a label: no path separators or control characters, at most 100 characters,
  its extension made to match the detected type. On disk the file gets a random name
  (``applications.models.material_path``) in the default (private) storage;
- SHA-256 is computed while the file is read in chunks.

Writes (``attach_material``, ``delete_material``) lock the application row, re-check that it is editable,
write the row and the audit event in one transaction, and never leave a stored file without its row (or a
row without its file). Old files of replaced or deleted materials are removed from storage after commit,
unless the latest submission listed them (county and city staff still read those).

Modules: ``detection`` (what a file is, by its content: types, PDF active content), ``checks`` (one upload
against one checklist item: name, size, type, labels), ``limits`` (the request body cap), ``services``
(attach, replace, delete), ``selectors`` (the checklist and the files a user may read).
"""
