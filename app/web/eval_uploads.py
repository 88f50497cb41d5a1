"""Read the files of an eval-run check from a multipart body, as it streams in.

The body is parsed with python-multipart's streaming parser; each file part (`file`, and up to
four `previous`) is gathered in memory, and the whole upload is refused with 413 as soon as the
files together pass the limit, before the rest is read: memory stays below the limit whatever is
sent. Nothing is written to disk. Small form fields are kept, up to FIELD_BYTES each.
"""

from dataclasses import dataclass, field

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from app.evals import MAX_RUNS
from app.web.uploads import (
    FIELD_BYTES,
    FORM_OVERHEAD,
    MAX_FIELDS,
    MultipartParts,
    UploadProblem,
    megabytes,
)

FILE_FIELDS = ("file", "previous")


@dataclass
class EvalUpload:
    fields: dict[str, str] = field(default_factory=dict)
    latest: tuple[str, bytes | bytearray] | None = None
    # Earlier runs, oldest first (the order they were sent in).
    previous: list[tuple[str, bytes | bytearray]] = field(default_factory=list)

    @property
    def files(self) -> list[tuple[str, bytes | bytearray]]:
        return [*self.previous, *([self.latest] if self.latest else [])]


def _file_name(raw: bytes) -> str:
    name = raw.decode("utf-8", "replace").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in name if c.isprintable())[:200]


class _Form(MultipartParts):
    def __init__(self, max_bytes: int) -> None:
        super().__init__()
        self.max_bytes = max_bytes
        self.upload = EvalUpload()
        self.file_name = ""
        self.is_file = False
        self.file_bytes = 0
        self.file_parts = 0
        self.empty_files = 0

    def headers_finished(self) -> None:
        options = self.disposition()
        self.is_file = self.name in FILE_FIELDS and b"filename" in options
        self.file_name = _file_name(options.get(b"filename", b"")) if self.is_file else ""
        if self.is_file:
            self.file_parts += 1
            if self.file_parts > MAX_RUNS + 4:  # empty optional inputs are sent too
                raise UploadProblem("too_many_runs", str(MAX_RUNS))

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self.is_file:
            self.file_bytes += end - start
            if self.file_bytes > self.max_bytes:
                raise UploadProblem("too_large", megabytes(self.max_bytes), status=413)
            self.value += memoryview(data)[start:end]  # (a slice of bytes would be a copy)
        elif len(self.value) <= FIELD_BYTES:
            self.value += data[start:end]

    def part_end(self) -> None:
        upload = self.upload
        if self.is_file:
            if not self.value and not self.file_name:
                self.empty_files += 1  # an optional file input left empty by a browser
            elif self.name == "file" and upload.latest is None:
                upload.latest = (self.file_name, self.value)  # kept as read: no second copy
            elif self.name == "previous":
                upload.previous.append((self.file_name, self.value))
                if len(upload.previous) > MAX_RUNS - 1:
                    raise UploadProblem("too_many_runs", str(MAX_RUNS))
            self.value = bytearray()
        elif self.name and len(upload.fields) < MAX_FIELDS and len(self.value) <= FIELD_BYTES:
            upload.fields.setdefault(self.name, self.value.decode("utf-8", "replace"))


async def read_eval_upload(request: Request, *, max_bytes: int) -> EvalUpload:
    """The files and small fields of a multipart body. Raises UploadProblem: 413 when the files
    together pass `max_bytes`; 422 for anything that is not a readable upload with a `file`."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise UploadProblem("not_multipart")
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > max_bytes + FORM_OVERHEAD):
        raise UploadProblem("too_large", megabytes(max_bytes), status=413)
    form = _Form(max_bytes)
    parser = MultipartParser(boundary, form.callbacks())  # type: ignore[arg-type]
    total = 0
    try:
        async for chunk in request.stream():
            total += len(chunk)
            if total > max_bytes + FORM_OVERHEAD:
                raise UploadProblem("too_large", megabytes(max_bytes), status=413)
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError:
        raise UploadProblem("malformed") from None
    except ClientDisconnect:
        raise UploadProblem("malformed") from None
    if form.upload.latest is None:
        raise UploadProblem("no_file")
    return form.upload
