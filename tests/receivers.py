"""Real local receivers for what the outbox sends: an SMTP server (aiosmtpd) and an HTTP server
standing in for a chat robot. Tests count messages where they arrive, not where they leave."""

import email
import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpReceiver:
    """Collects every message delivered to it, as parsed e-mails."""

    def __init__(self, port=None):
        self.messages = []
        self.port = port or free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def subjects(self):
        return [str(email.header.make_header(email.header.decode_header(m["Subject"]))) for m in self.messages]

    def to(self):
        return [m["To"] for m in self.messages]

    def bodies(self):
        """The text part of each message, with SMTP's CRLF line ends read back as "\n"."""
        parts = [m.get_payload(0) if m.is_multipart() else m for m in self.messages]
        return [p.get_payload(decode=True).decode().replace("\r\n", "\n").rstrip("\n") for p in parts]


class HttpReceiver:
    """A robot's webhook: answers each POST (path, query, headers, JSON and its raw bytes) with
    `answer` (a dict, or a callable of the request returning (status, dict)) and keeps the ones it
    took: HTTP 200 with the platform's success code 0 (a refusal is not a delivery)."""

    def __init__(self, answer=None, port=0):
        self.requests = []
        self.answer = answer or {"errcode": 0, "errmsg": "ok"}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                parts = urlsplit(self.path)
                request = {"path": parts.path, "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                           "headers": dict(self.headers), "json": json.loads(body or b"null"), "body": body}
                status, answer = (receiver.answer(request) if callable(receiver.answer)
                                  else (200, receiver.answer))
                if status == 200 and answer.get("errcode", answer.get("code", 0)) == 0:
                    receiver.requests.append(request)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
