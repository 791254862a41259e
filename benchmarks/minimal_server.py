"""The minimal endpoint of the HTTP overhead benchmark: a bare ``FastAPI()`` app
whose routes return bodies prepared beforehand, served alone or by uvicorn in its
own process (``python -m benchmarks.minimal_server BODIES.json PORT``) with the
settings ``minhbach serve`` uses, so a comparison over sockets differs only in
what the application does."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: the repository on the path, not this folder
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi import FastAPI
from fastapi.responses import JSONResponse

HOST = "127.0.0.1"


def minimal_app(bodies: dict[str, Any]) -> FastAPI:
    """Routing and JSON alone: each route serialises a body prepared beforehand."""
    api = FastAPI()
    for operation, body in bodies.items():
        api.add_api_route(f"/{operation}", lambda body=body: JSONResponse(body), methods=["GET"])
    api.add_api_route("/health", lambda: JSONResponse({"status": "ok"}), methods=["GET"])
    return api


def main(argv: list[str]) -> int:
    import uvicorn

    bodies_file, port = argv
    bodies = json.loads(Path(bodies_file).read_text(encoding="utf-8"))
    uvicorn.run(minimal_app(bodies), host=HOST, port=int(port), log_config=None, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
