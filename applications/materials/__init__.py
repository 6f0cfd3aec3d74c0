"""The materials checklist (申报材料): checking an upload, storing it privately, replacing and deleting it.

What the notice's section 三 asks for is data (programmes.MaterialItem rows of the category); this module
decides whether one uploaded file may become a Material of one item:

- its type comes from its content (magic bytes), never from its name: PDF, JPEG, PNG or OFD (a ZIP
  container with OFD.xml at its root, GB/T 33190);
- its content is checked to the end: a PDF must not carry JavaScript, launch, remote or submit actions,
  auto-opened web addresses, XFA forms, embedded files or rich media in any object of any revision (a
  pypdf walk AND a byte scan that also inflates object streams), nor be encrypted; an image must decode
  completely with Pillow, within a pixel limit, with no markup after its end; an OFD must be a sound ZIP
  with safe names, no executables, a bounded unpacked size and ratio, and OFD's structure;
- empty files and files over the item's limit are refused before anything is stored; the request body of
  an upload is capped as well (:class:`UploadLimitHandler`) so a huge file is cut off while it streams in;
- the user's filename is only a label, checked as the client sent it (before Django's cleaning): no path
  separators, control, direction or invisible characters, at most 100 characters, its extension made to
  match the detected type. On disk the file gets a random name (``applications.models.material_path``) in
  the default (private) storage;
- a virus scan (clamd when ``CLAMD_SOCKET`` is set) runs last; a file is never accepted unscanned;
- SHA-256 is computed while the file is read in chunks.

Writes (``attach_material``, ``delete_material``) lock the application row, re-check that it is editable,
write the row and the audit event in one transaction, and never leave a stored file without its row (or a
row without its file). Old files of replaced or deleted materials are removed from storage after commit,
unless the latest submission listed them (county and city staff still read those).

Modules: ``detection`` (what a file is, by its content: types, what a PDF may not carry), ``images``
(JPEG/PNG decoded), ``ofd`` (the OFD container), ``scan`` (the virus scan), ``checks`` (one upload against one
checklist item: name, size, type, content, scan, labels and messages), ``limits`` (the request body cap, the
filename as sent), ``services`` (attach, replace, delete), ``selectors`` (the checklist and the files a user
may read).
"""
