"""Checking uploaded evidence: the type comes from the content (magic numbers), not the name."""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import logging
import os
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from parindex.core.errors import DomainError

log = logging.getLogger(__name__)

# detected extension → (label, extensions a person may give such a file)
ALLOWED = {
    "pdf": ("PDF", {".pdf"}),
    "doc": ("Word (DOC)", {".doc"}),
    "docx": ("Word (DOCX)", {".docx"}),
    "xls": ("Excel (XLS)", {".xls"}),
    "xlsx": ("Excel (XLSX)", {".xlsx"}),
    "odt": ("OpenDocument Text (ODT)", {".odt"}),
    "ods": ("OpenDocument Spreadsheet (ODS)", {".ods"}),
    "jpg": ("JPG", {".jpg", ".jpeg"}),
    "png": ("PNG", {".png"}),
}
ALLOWED_TEXT = "PDF, DOC/DOCX, XLS/XLSX, ODT/ODS, JPG/PNG"
INLINE = {"pdf", "jpg", "png"}  # opened in the browser rather than downloaded


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: str
    mime: str
    size: int
    sha256: str


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_MB * 1024 * 1024


def check_name(name: str) -> str:
    if not name or not name.strip():
        raise DomainError(_("Tệp không có tên"))
    if "/" in name or "\\" in name or name in {".", ".."} or any(ord(c) < 32 for c in name):
        raise DomainError(_("Tên tệp «%(name)s» không hợp lệ: tên tệp không được chứa đường dẫn hoặc ký tự điều khiển")
                          % {"name": name})
    if len(name) > 255:
        raise DomainError(_("Tên tệp dài quá 255 ký tự"))
    return name.strip()


def check_upload(uploaded) -> tuple[CheckedFile, bytes]:
    """Validate an uploaded file; raise DomainError naming the file, what it is and what is allowed."""
    name = check_name(getattr(uploaded, "name", "") or "")
    size = uploaded.size
    if size == 0:
        raise DomainError(_("Tệp «%(name)s» rỗng (0 byte)") % {"name": name})
    if size > max_bytes():
        raise DomainError(_("Tệp «%(name)s» nặng %(size)s MB, vượt giới hạn %(limit)s MB")
                          % {"name": name, "size": f"{size / 1024 / 1024:.1f}", "limit": settings.EVIDENCE_MAX_MB})
    data = b"".join(uploaded.chunks())
    if len(data) != size:
        raise DomainError(_("Tệp «%(name)s» tải lên không trọn vẹn, hãy thử lại") % {"name": name})
    guess = filetype.guess(data[:262144])
    kind = guess.extension if guess else None
    if kind == "jpeg":
        kind = "jpg"
    if kind not in ALLOWED:
        found = _("nội dung là %(mime)s") % {"mime": guess.mime} if guess else _("không nhận ra loại nội dung")
        raise DomainError(_("Tệp «%(name)s» không được chấp nhận (%(found)s); chỉ nhận %(allowed)s")
                          % {"name": name, "found": found, "allowed": ALLOWED_TEXT})
    ext = os.path.splitext(name)[1].lower()
    label, extensions = ALLOWED[kind]
    if ext not in extensions:
        raise DomainError(_("Tệp «%(name)s» có đuôi «%(ext)s» nhưng nội dung là %(label)s; "
                            "hãy đặt đúng đuôi %(wanted)s")
                          % {"name": name, "ext": ext or _("(không có)"), "label": label,
                             "wanted": ", ".join(sorted(extensions))})
    sha = hashlib.sha256(data).hexdigest()
    return CheckedFile(name=name, kind=kind, mime=guess.mime, size=size, sha256=sha), data


def storage_name(checked: CheckedFile) -> str:
    """Files are stored under their content hash; the person's file name is kept for display."""
    ext = sorted(ALLOWED[checked.kind][1])[0]
    return f"evidence/{checked.sha256[:2]}/{checked.sha256}{ext}"


# -- files stored by a step that then fails (docs/operations.md, "Faults") ---------------------------
# A file is written to the storage inside the step's transaction, before its Evidence row. If the
# step fails afterwards (the database goes away, a later check refuses), the transaction rolls back
# and the file written by this step is deleted again, so the storage keeps no file that no row names
# and no row names a file that is not there. Files are content-addressed and FileSystemStorage never
# overwrites (a concurrent upload of the same content gets another name), so the file deleted is
# only ever the one this step wrote.

_stored_in_step: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("stored_in_step", default=None)


@contextlib.contextmanager
def removed_if_step_fails():
    """Around a step that may store files: on any exception, delete the files it stored, re-raise.

    Nested uses share the outermost list, so a file stored by an inner step survives the inner
    block and is removed only if the outer step (its transaction) fails."""
    if _stored_in_step.get() is not None:
        yield
        return
    stored: list[str] = []
    token = _stored_in_step.set(stored)
    try:
        yield
    except BaseException:
        for name in stored:
            try:
                default_storage.delete(name)
            except Exception:  # the storage is failing too: the file stays, named by no row
                log.exception("could not remove %s after a failed step", name)
        raise
    finally:
        _stored_in_step.reset(token)


def stored_by_this_step(name: str) -> None:
    stored = _stored_in_step.get()
    if stored is not None:
        stored.append(name)


def storage_refused(name: str, stored_as: str) -> DomainError:
    """Call inside the ``except`` of the storage's failure: logs it, returns the person's message."""
    log.exception("the file storage refused %s", stored_as)
    return DomainError(_("Chưa lưu được tệp «%(file)s»: kho lưu trữ tài liệu đang không nhận tệp; chưa có gì "
                         "thay đổi, hãy thử lại sau ít phút hoặc báo quản trị viên") % {"file": name})
