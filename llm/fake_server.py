"""A small OpenAI-compatible HTTP server on 127.0.0.1, scripted per test or benchmark.

It answers ``POST /v1/chat/completions`` the way OpenAI does (``id``, ``object``, ``created``,
``model``, ``choices[0].message`` with ``content`` or ``refusal``, ``finish_reason``, ``usage``),
so the real SDK runs end to end: its HTTP client, retries, timeouts and parsing. Each request
takes the next scripted response from a queue, or else the default (a function of the request,
or a fixed response). Every request is recorded for assertions::

    with FakeOpenAIServer() as server:
        server.queue(rate_limited(retry_after=0.05), answer({"keywords": [...], ...}))
        ...
        server.requests[0].body["response_format"]
        server.max_in_flight  # the most requests it was answering at once

Nothing here is used when the site runs; it is imported by tests and benchmarks only.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class FakeResponse:
    status: int = 200
    body: Any = None  # a dict or list is sent as JSON; str and bytes as they are
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    content_type: str = "application/json"

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lowercased names
    body: Any  # the parsed JSON body (None if it wasn't JSON)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.body.get("messages", []) if isinstance(self.body, dict) else []


Responder = Callable[[RecordedRequest], FakeResponse]


def completion(
    content: str | dict[str, Any] | None,
    *,
    refusal: str | None = None,
    finish_reason: str = "stop",
    model: str = "gpt-4o-mini",
    prompt_tokens: int = 120,
    completion_tokens: int = 40,
) -> dict[str, Any]:
    """A Chat Completions response body; a dict ``content`` is sent as its JSON text."""
    text = json.dumps(content) if isinstance(content, dict) else content
    return {
        "id": f"chatcmpl-fake{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": refusal},
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def answer(content: str | dict[str, Any], *, delay: float = 0.0, **kwargs: Any) -> FakeResponse:
    """A successful completion whose message is ``content``."""
    return FakeResponse(200, completion(content, **kwargs), delay=delay)


def refusal(text: str = "I'm sorry, I can't help with that.") -> FakeResponse:
    return FakeResponse(200, completion(None, refusal=text))


def error(
    status: int, message: str, *, kind: str = "server_error", headers: dict[str, str] | None = None
) -> FakeResponse:
    """An error in OpenAI's shape: ``{"error": {"message", "type", "code"}}``."""
    body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return FakeResponse(status, body, headers=headers or {})


def rate_limited(retry_after: float | None = None) -> FakeResponse:
    headers = {"retry-after": f"{retry_after:g}"} if retry_after is not None else {}
    return error(429, "Rate limit reached for requests", kind="requests", headers=headers)


def _unscripted(request: RecordedRequest) -> FakeResponse:
    return error(400, "fake server: no response scripted for this request", kind="invalid_request")


class FakeOpenAIServer:
    def __init__(self, *, default: Responder | FakeResponse | None = None) -> None:
        self._queue: deque[Responder | FakeResponse] = deque()
        self._default: Responder | FakeResponse = default or _unscripted
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.requests: list[RecordedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def queue(self, *responses: Responder | FakeResponse) -> None:
        """Serve these, one per request, before falling back to the default."""
        with self._lock:
            self._queue.extend(responses)

    def start(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes the handlers that are sleeping through a delay
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _respond(self, request: RecordedRequest) -> FakeResponse:
        with self._lock:
            self.requests.append(request)
            scripted = self._queue.popleft() if self._queue else self._default
        if request.path.rstrip("/") != "/v1/chat/completions":
            return error(404, f"fake server: no route {request.path}", kind="invalid_request")
        return scripted if isinstance(scripted, FakeResponse) else scripted(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real API server
            # Headers and body go out in separate writes; without this, Nagle's algorithm and
            # delayed ACKs add ~40 ms to every answer.
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                fake._enter()
                try:
                    self._answer()
                finally:
                    fake._leave()

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                request = RecordedRequest(
                    "POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body
                )
                response = fake._respond(request)
                if response.delay and fake._stopping.wait(response.delay):
                    return
                payload = response.encoded()
                try:
                    self.send_response(response.status)
                    self.send_header("content-type", response.content_type)
                    self.send_header("content-length", str(len(payload)))
                    self.send_header("x-request-id", f"req_fake_{len(fake.requests)}")
                    for name, value in response.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer

            def log_message(self, format: str, *args: Any) -> None:
                pass  # tests read `requests`, not stderr

        return Handler
