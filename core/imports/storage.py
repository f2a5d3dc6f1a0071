"""Uploads kept encrypted at rest (issue 11 item 12).

An uploaded import holds plaintext ID numbers and phones. It is written encrypted with the
personal-data key (``PORTAL_DATA_KEY``, AES-256-GCM, as ``core.personal`` encrypts fields; the
first key encrypts, every configured key decrypts, so keys rotate) and decrypted only while it is
read by the import. Whether the import ends in seconds or the file is kept for
``PORTAL_IMPORT_RETENTION_DAYS``, nothing readable lies on disk.

Format: ``PORTALENC1`` + 16 random bytes (file id), then segments of at most 1 MiB of plaintext,
each ``length (4 bytes) + nonce (12) + ciphertext and tag``; the associated data binds each segment
to the file id, its position and whether it is the last, so segments cannot be reordered, swapped
between files or cut off unnoticed. Files written before encryption (no magic) are read as they are.
"""

import os
import struct
import tempfile

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage

MAGIC = b"PORTALENC1"
SEGMENT = 1024 * 1024
_HEAD = len(MAGIC) + 16
_OVERHEAD = 4 + 12 + 16  # length, nonce, tag
SPOOL = 32 * 1024 * 1024  # decrypted in memory up to this, beyond in a temporary file deleted on close


def _aad(file_id: bytes, index: int, last: bool) -> bytes:
    return file_id + struct.pack(">Q?", index, last)


def encrypt_stream(chunks, out) -> None:
    from core.personal import _ciphers

    cipher = _ciphers(settings.PORTAL_DATA_KEY)[0]
    file_id = os.urandom(16)
    out.write(MAGIC + file_id)
    buffer, index = b"", 0
    for chunk in chunks:
        buffer += chunk
        while len(buffer) > SEGMENT:  # strictly: the last segment is never empty (but for an empty file)
            _write_segment(out, cipher, file_id, index, buffer[:SEGMENT], last=False)
            buffer, index = buffer[SEGMENT:], index + 1
    _write_segment(out, cipher, file_id, index, buffer, last=True)


def _write_segment(out, cipher, file_id, index, plaintext, *, last):
    nonce = os.urandom(12)
    sealed = cipher.encrypt(nonce, plaintext, _aad(file_id, index, last))
    out.write(struct.pack(">I", len(sealed)) + nonce + sealed)


def decrypt_stream(raw, out) -> None:
    """Decrypt ``raw`` (positioned after the magic) into ``out``; ValueError if anything is amiss."""
    from core.personal import _ciphers

    file_id = raw.read(16)
    ciphers = _ciphers(settings.PORTAL_DATA_KEY)
    index, chosen = 0, None
    while True:
        head = raw.read(4)
        if len(head) < 4:
            raise ValueError("the encrypted upload is cut short")
        (length,) = struct.unpack(">I", head)
        nonce, sealed = raw.read(12), raw.read(length)
        if len(sealed) < length:
            raise ValueError("the encrypted upload is cut short")
        last = not raw.peek(1) if hasattr(raw, "peek") else _at_end(raw)
        for cipher in ([chosen] if chosen else ciphers):
            try:
                out.write(cipher.decrypt(nonce, sealed, _aad(file_id, index, last)))
                chosen = cipher
                break
            except InvalidTag:
                continue
        else:
            raise ValueError("the upload cannot be decrypted with the configured PORTAL_DATA_KEY")
        if last:
            return
        index += 1


def _at_end(raw) -> bool:
    here = raw.tell()
    more = raw.read(1)
    raw.seek(here)
    return not more


class EncryptedFileSystemStorage(FileSystemStorage):
    """A ``FileSystemStorage`` whose files are encrypted on disk; ``open`` returns the plaintext."""

    def _save(self, name, content):
        class Sealed:  # what FileSystemStorage._save writes: chunks of the ciphertext
            def __init__(self, source):
                self.source = source

            def chunks(self):
                spool = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 (closed below or handed to the caller)
                try:
                    if hasattr(self.source, "seek"):
                        self.source.seek(0)
                    encrypt_stream(self.source.chunks() if hasattr(self.source, "chunks")
                                   else iter(lambda: self.source.read(SEGMENT), b""), spool)
                    spool.seek(0)
                    while block := spool.read(SEGMENT):
                        yield block
                finally:
                    spool.close()

        return super()._save(name, Sealed(content))

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("encrypted uploads are written only through save()")
        raw = open(self.path(name), "rb")  # noqa: SIM115 (closed below or handed to the caller)
        if raw.read(len(MAGIC)) != MAGIC:  # written before encryption: as it is
            raw.seek(0)
            return File(raw, name)
        plain = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 (closed below or handed to the caller)
        try:
            decrypt_stream(raw, plain)
        except BaseException:
            plain.close()
            raise
        finally:
            raw.close()
        plain.seek(0)
        return File(plain, name)

    def size(self, name):
        """The plaintext's size (the upload limit is about what was uploaded)."""
        stored = super().size(name)
        with open(self.path(name), "rb") as raw:
            if raw.read(len(MAGIC)) != MAGIC:
                return stored
        body = stored - _HEAD
        segments = max(1, -(-body // (SEGMENT + _OVERHEAD)))
        return body - segments * _OVERHEAD


def is_encrypted(path) -> bool:
    with open(path, "rb") as raw:
        return raw.read(len(MAGIC)) == MAGIC
