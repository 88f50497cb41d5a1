"""Stream a multipart upload into the dataset check: the file is read as it arrives, in a worker
thread, and never written anywhere, so memory stays bounded whatever is sent.

The body is parsed with python-multipart's streaming parser (FastAPI's UploadFile would spool the
file to a temporary file first). Small form fields are kept, up to FIELD_BYTES each. The file's
bytes pass through a short queue to `datasets.check` running in a thread; when the check gives
up early (a compressed or binary file), the rest of the body is not read.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import anyio
from anyio.from_thread import run as run_from_thread
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from app import datasets

FILE_FIELD = "file"
EVAL_FIELD = "eval_file"  # optional: an eval set, checked for copies of training examples
FORM_OVERHEAD = 64 * 1024  # room for the multipart framing and the small fields
FIELD_BYTES = 1024
MAX_FIELDS = 16
QUEUE_CHUNKS = 8


class UploadProblem(ValueError):
    """The request could not be read as an upload: `code` is a key of datasets' FILE_PROBLEMS."""

    def __init__(self, code: str, detail: str = "", status: int = 422) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.status = status


@dataclass
class Upload:
    fields: dict[str, str] = field(default_factory=dict)
    file_name: str = ""
    profile: dict[str, Any] | None = None


class CheckSlots:
    """At most `limit` dataset checks at once in this process; a check beyond gets 503."""

    RETRY_AFTER = 15

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.running = 0

    def take(self) -> None:
        # Called on the event loop only, so no lock is needed.
        if self.running >= self.limit:
            raise UploadProblem("busy", str(self.limit), status=503)
        self.running += 1

    def give_back(self) -> None:
        self.running -= 1


def slots_of(request: Request) -> CheckSlots:
    state = request.app.state
    slots = getattr(state, "dataset_check_slots", None)
    if slots is None:
        slots = state.dataset_check_slots = CheckSlots(state.settings.max_concurrent_checks)
    return slots


def megabytes(limit: int) -> str:
    """A size limit as people read one: kB below 1 MiB, else MB, to 3 significant figures, in
    binary units as the default of 20 MB (20 MiB) is: 100,000 bytes is "97.7 kB", where it was
    "0.0953674 MB"."""
    size, unit = (limit / 1024, "kB") if limit < 1024 * 1024 else (limit / 1024 / 1024, "MB")
    return f"{float(f'{size:.3g}'):g} {unit}"


class MultipartParts:
    """python-multipart's streaming callbacks for one part's headers, shared by the upload forms
    (this one and the eval check's): a subclass says what to do once a part's headers are in
    (`headers_finished`, with `disposition()`), with its data (`part_data`) and at its end
    (`part_end`)."""

    def __init__(self) -> None:
        self.header_field = b""
        self.headers: dict[bytes, bytes] = {}
        self.name = ""
        self.value = bytearray()

    def callbacks(self) -> dict[str, Callable[..., None]]:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": self.header_name,
            "on_header_value": self.header_value,
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def part_begin(self) -> None:
        self.headers, self.header_field, self.value = {}, b"", bytearray()

    def header_name(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        key = self.header_field.lower()
        self.headers[key] = self.headers.get(key, b"") + data[start:end]

    def header_end(self) -> None:
        self.header_field = b""

    def disposition(self) -> dict[bytes, bytes]:
        """The part's Content-Disposition options; sets `name` from them."""
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = options.get(b"name", b"").decode("utf-8", "replace")
        return options

    def headers_finished(self) -> None:
        raise NotImplementedError

    def part_data(self, data: bytes, start: int, end: int) -> None:
        raise NotImplementedError

    def part_end(self) -> None:
        raise NotImplementedError


class _Form(MultipartParts):
    """The multipart parser's callbacks: gathers fields, hands the file's data on."""

    def __init__(self) -> None:
        super().__init__()
        self.upload = Upload()
        self.in_file = False
        self.file_started = False
        self.file_ended = False
        self.pieces: list[bytes] = []
        self.in_eval = False
        self.eval_started = False
        self.eval_ended = False
        self.eval_pieces: list[bytes] = []

    def headers_finished(self) -> None:
        options = self.disposition()
        if self.name == FILE_FIELD and not self.file_started:
            self.in_file = self.file_started = True
            filename = options.get(b"filename", b"").decode("utf-8", "replace")
            self.upload.file_name = filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
        elif self.name == EVAL_FIELD and self.file_ended and not self.eval_started:
            filename = options.get(b"filename", b"")
            self.in_eval = self.eval_started = bool(filename)

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self.in_file:
            self.pieces.append(data[start:end])
        elif self.in_eval:
            self.eval_pieces.append(data[start:end])
        elif len(self.value) <= FIELD_BYTES:
            self.value += data[start:end]

    def part_end(self) -> None:
        if self.in_file:
            self.in_file, self.file_ended = False, True
        elif self.in_eval:
            self.in_eval, self.eval_ended = False, True
        elif self.name and len(self.upload.fields) < MAX_FIELDS and len(self.value) <= FIELD_BYTES:
            self.upload.fields.setdefault(self.name, self.value.decode("utf-8", "replace"))


async def check_upload(
    request: Request,
    *,
    max_bytes: int,
    context_limit: Callable[[dict[str, str]], int],
    progress: Callable[[int], None] | None = None,
    max_examples: int = datasets.DEFAULT_MAX_EXAMPLES,
) -> Upload:
    """Read the multipart body, checking the file part as it streams in.

    `context_limit` picks the limit from the fields sent before the file. Raises UploadProblem
    (413 past `max_bytes`), or datasets.Unreadable for a file that is not a set of examples.
    """
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise UploadProblem("not_multipart")
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > max_bytes + FORM_OVERHEAD):
        raise UploadProblem("too_large", megabytes(max_bytes), status=413)
    form = _Form()
    parser = MultipartParser(boundary, form.callbacks())  # type: ignore[arg-type]
    send, receive = anyio.create_memory_object_stream[bytes](QUEUE_CHUNKS)
    eval_send, eval_receive = anyio.create_memory_object_stream[bytes](QUEUE_CHUNKS)
    aborted = False

    def eval_chunks() -> Iterator[bytes] | None:
        """The eval file's chunks, once the training file is read; None if none came."""
        try:
            first = run_from_thread(eval_receive.receive)
        except anyio.EndOfStream:
            return None

        def rest() -> Iterator[bytes]:
            yield first
            while True:
                try:
                    yield run_from_thread(eval_receive.receive)
                except anyio.EndOfStream:
                    if aborted:
                        raise UploadProblem("malformed") from None
                    return

        return rest()

    def chunks() -> Iterator[bytes]:
        while True:
            try:
                chunk = run_from_thread(receive.receive)
            except anyio.EndOfStream:
                if aborted:
                    raise UploadProblem("malformed") from None
                return
            yield chunk

    async def run_check() -> None:
        limit = context_limit(form.upload.fields)
        form.upload.profile = await anyio.to_thread.run_sync(
            lambda: datasets.check(
                chunks(),
                context_limit=limit,
                progress=progress,
                max_examples=max_examples,
                eval_chunks=eval_chunks,
            )
        )

    total = file_bytes = 0
    try:
        async with anyio.create_task_group() as tasks:
            try:
                async for chunk in request.stream():
                    total += len(chunk)
                    if total > max_bytes + FORM_OVERHEAD:
                        raise UploadProblem("too_large", megabytes(max_bytes), status=413)
                    try:
                        parser.write(chunk)
                    except MultipartParseError:
                        raise UploadProblem("malformed") from None
                    for piece in form.pieces:
                        if file_bytes == 0:
                            tasks.start_soon(run_check)
                        file_bytes += len(piece)
                        if file_bytes > max_bytes:
                            raise UploadProblem("too_large", megabytes(max_bytes), status=413)
                        await send.send(piece)
                    form.pieces.clear()
                    if form.file_ended:
                        send.close()
                    for piece in form.eval_pieces:
                        file_bytes += len(piece)
                        if file_bytes > max_bytes:
                            raise UploadProblem("too_large", megabytes(max_bytes), status=413)
                        await eval_send.send(piece)
                    form.eval_pieces.clear()
                    if form.eval_ended:
                        eval_send.close()
                try:
                    parser.finalize()
                except MultipartParseError:
                    raise UploadProblem("malformed") from None
            except BaseException:
                aborted = True
                raise
            finally:
                send.close()
                eval_send.close()
    except* UploadProblem as group:
        raise group.exceptions[0] from None
    except* datasets.Unreadable as group:
        raise group.exceptions[0] from None
    except* ClientDisconnect as group:
        raise UploadProblem("malformed") from group.exceptions[0]
    if not form.file_started:
        raise UploadProblem("no_file")
    if form.upload.profile is None:
        if not form.file_ended:
            raise UploadProblem("malformed")
        raise datasets.Unreadable("empty")
    return form.upload
