"""Serve the trace viewer for one recording on 127.0.0.1 (no Java twin).

    python -m rocketmq_ref.tools.traceview traces/store_put_flush.jsonl [--port 8000] [--docs DIR]

The viewer is the static page shipped with the docs (``_static/traceview.html``).  With a built docs
site (``docs/_build/html`` by default) the code links open its highlighted source pages; without it
the server renders plain numbered source pages for the same links.
"""
from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
import threading
import urllib.parse
from collections.abc import Sequence
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATIC = Path(__file__).resolve().parent / "traceview_static"
DEFAULT_DOCS = ROOT / "docs" / "_build" / "html"
JAVA_TAG = "rocketmq-all-4.9.8"
JAVA_REPO = "https://github.com/apache/rocketmq/blob"
_SOURCE_RE = re.compile(r"^/_modules/(rocketmq_ref/[\w/]+)\.html$")


def java_source_url(java: str) -> str:
    """The GitHub page of the Java file behind ``org.apache.rocketmq.store.CommitLog#putMessage``.

    Java keeps a top-level package per Maven module (``store``, ``broker``, ``client``, ...), and an
    inner class (``CommitLog$GroupCommitService`` or ``CommitLog.GroupCommitService``) lives in its
    outer class's file.
    """
    cls = java.split("#", 1)[0].replace("$", ".")
    parts = cls.split(".")
    package = [p for p in parts if p[:1].islower()]
    classes = [p for p in parts if p[:1].isupper()]
    if len(package) < 4 or not classes:
        return f"{JAVA_REPO}/{JAVA_TAG}/README.md"
    module = package[3]
    path = "/".join(package) + "/" + classes[0] + ".java"
    return f"{JAVA_REPO}/{JAVA_TAG}/{module}/src/main/java/{path}"


def trace_script(name: str, jsonl_text: str) -> str:
    """A recording as a script the viewer loads: ``ROCKETMQ_REF_TRACES[name] = [TracesData...]``."""
    lines = [json.loads(line) for line in jsonl_text.splitlines() if line.strip()]
    return ("window.ROCKETMQ_REF_TRACES = window.ROCKETMQ_REF_TRACES || {};\n"
            f"window.ROCKETMQ_REF_TRACES[{json.dumps(name)}] = "
            + json.dumps(lines, separators=(",", ":"), ensure_ascii=False) + ";\n")


def source_page(relative: str) -> str | None:
    """A plain numbered page of a project source file, each line anchored ``#L<n>``."""
    path = (ROOT / f"{relative}.py").resolve()
    if ROOT not in path.parents or not path.is_file():
        return None
    rows = "\n".join(f'<span id="L{n}" class="line"><span class="linenos">{n:5d}</span> '
                     f"{html.escape(text)}</span>"
                     for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1))
    return ("<!doctype html><meta charset='utf-8'><title>" + html.escape(relative) + "</title>"
            "<style>.line:target{background:#ffe9a8}body{font:13px monospace}</style>"
            f"<h1>{html.escape(relative)}.py</h1><pre>{rows}</pre>")


class TraceViewHandler(SimpleHTTPRequestHandler):
    """Docs site (when built) plus the viewer's own files and the served recording."""

    trace_file: Path
    docs_dir: Path | None

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, directory=str(self.docs_dir or STATIC), **kwargs)

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests and terminals
        pass

    def _send(self, body: str, content_type: str) -> None:
        data = body.encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = urllib.parse.urlsplit(self.path).path
        name = self.trace_file.stem
        if path == "/" or (path == "/index.html" and self.docs_dir is None):
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", f"/_static/traceview.html?trace={name}&base=../")
            self.end_headers()
            return
        if path == f"/_static/traces/{name}.js":
            text = self.trace_file.read_text(encoding="utf-8")  # re-read: follows a live run
            return self._send(trace_script(name, text), "text/javascript; charset=utf-8")
        if path == "/_static/traces/index.js":
            return self._send(f"window.ROCKETMQ_REF_TRACE_INDEX = {json.dumps([name])};\n",
                              "text/javascript; charset=utf-8")
        if path.startswith("/_static/traceview"):
            asset = STATIC / path.rsplit("/", 1)[-1]
            if asset.is_file():
                kind = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}
                return self._send(asset.read_text(encoding="utf-8"),
                                  kind.get(asset.suffix, "text/plain") + "; charset=utf-8")
        match = _SOURCE_RE.match(path)
        if match and (self.docs_dir is None or not (self.docs_dir / path[1:]).is_file()):
            page = source_page(match.group(1))
            if page is not None:
                return self._send(page, "text/html; charset=utf-8")
        super().do_GET()


def make_server(trace_file: Path, port: int = 0, docs_dir: Path | None = None
                ) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1 for ``trace_file`` (port 0: any free port)."""
    if not trace_file.is_file():
        raise FileNotFoundError(f"no trace file {trace_file}")
    handler = type("Handler", (TraceViewHandler,),
                   {"trace_file": trace_file.resolve(),
                    "docs_dir": docs_dir if docs_dir and docs_dir.is_dir() else None})
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="traceview-http", daemon=True)
    thread.start()
    return thread


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rocketmq_ref.tools.traceview",
                                     description="Serve the trace viewer for an OTLP JSON lines file")
    parser.add_argument("file", type=Path, help="a .jsonl trace (traces/NAME.jsonl, or any the "
                        "project writes with ROCKETMQ_REF_TRACE_FILE)")
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS,
                        help="built docs site whose source pages the code links open")
    args = parser.parse_args(argv)
    try:
        server = make_server(args.file, args.port, args.docs)
    except (FileNotFoundError, OSError) as e:
        print(f"traceview: {e}", file=sys.stderr)
        return 2
    host, port = server.server_address[:2]
    print(f"trace viewer for {os.path.relpath(args.file)}: http://{host}:{port}/  (Ctrl-C stops)",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
