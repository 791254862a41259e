"""Commands that run or feed the service: serve, demo, import, log, token."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli_common import open_app

if TYPE_CHECKING:
    pass


def cmd_import(args: argparse.Namespace) -> int:
    from api.importer import import_lines

    path = Path(args.file)
    if not path.is_file():
        print(f"minhbach import: no such file: {path}", file=sys.stderr)
        return 2
    # Decoded whole before anything is applied: a file that is not UTF-8 writes
    # nothing. A byte-order mark (Notepad writes one) is accepted.
    lines = path.read_bytes().decode("utf-8-sig").splitlines()
    app = open_app(args.database_url)
    report = import_lines(app, lines)
    for failure in report.failures:
        print(f"{path}:{failure}", file=sys.stderr)
    print(
        f"applied {report.applied}, already applied {report.already_applied}, "
        f"failed {len(report.failures)}"
    )
    return 0 if report.ok else 1


def cmd_demo(args: argparse.Namespace) -> int:
    from demo import AGENCY, load_demo
    from demo.clock import DEMO_YEAR, resume_demo_clock
    from projections.runner import Projector

    app = open_app(args.database_url)
    resume_demo_clock(app)  # the demo's time, never before what the log already holds
    print(f"Loading the demo agency into {app.storage.display_url} …", flush=True)
    summary = load_demo(app, DEMO_YEAR)
    position = Projector(app).catch_up()
    print(
        f"{AGENCY}: {summary.units} units, {summary.servants} civil servants, "
        f"{summary.tasks} tasks in {DEMO_YEAR}; {summary.applied} commands applied now, "
        f"{summary.replayed} already there; views at log position {position}."
    )
    print("\nPeople to act as:")
    for key, person in summary.people.items():
        print(f"  {key:<17} {person.code:<12} {person.full_name} ({person.why})")
    tied = summary.people["civil_servant"].code
    db = f" --database-url {args.database_url}" if args.database_url else ""
    print(
        "\nExplore:\n"
        f"  minhbach{db} standings {AGENCY} {DEMO_YEAR}            # the agency's ranking\n"
        f"  minhbach{db} standings {AGENCY} {DEMO_YEAR} --peer-group chuyen-vien\n"
        f"  minhbach{db} classification {tied} {DEMO_YEAR}   # tied across the quota limit\n"
        f"  minhbach{db} log --limit 20                      # the event log itself"
    )
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    app = open_app(args.database_url)
    notifications = app.recorder.select_notifications(
        start=args.after, limit=args.limit, inclusive_of_start=False
    )
    for notification in notifications:
        state = json.loads(notification.state)
        print(
            f"{notification.id:>8}  {notification.topic:<45} "
            f"{state.get('actor', ''):<12} {state.get('actor_role', ''):<16} "
            f"{state.get('source_ref') or ''}"
        )
    return 0


def _demo_ledger_key() -> None:
    """The demo signs its ledger with a key of its own, kept beside the demo data —
    acceptable for a demo only: in production the key never sits with the database."""
    import os

    from projections import signing

    if os.environ.get(signing.KEY_FILE) or os.environ.get(signing.KEY_ENV):
        return
    folder = Path(os.environ.get("MINHBACH_DATA_DIR") or "data")
    key = folder / "demo-ledger.pem"
    if not key.exists():
        folder.mkdir(parents=True, exist_ok=True)
        signer = signing.generate()
        key.write_bytes(signing.private_pem(signer))
        key.chmod(0o600)
        key.with_suffix(".pub").write_bytes(signing.public_pem(signer.public))
    os.environ[signing.KEY_FILE] = str(key)
    print(f"Demo ledger key: {key} (public key {key.with_suffix('.pub')})")


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api import access_log
    from api.bootstrap import demo_logins, ensure_admin
    from api.http import create_app

    access_log.configure()
    app = open_app(args.database_url)
    base = f"http://{args.host}:{args.port}"
    if args.demo:
        from demo import AGENCY, load_demo
        from demo.clock import DEMO_YEAR, resume_demo_clock

        resume_demo_clock(app)  # a restarted demo runs on from its newest recorded time
        print(f"Loading the demo agency {AGENCY} (idempotent) …", flush=True)
        load_demo(app, DEMO_YEAR)
        _demo_ledger_key()
    admin_token = ensure_admin(app)
    if admin_token:
        print(f"\nFirst start: the admin token (shown once, keep it safe):\n  {admin_token}")
    if args.demo:
        print("\nDemo sign-ins and tokens (new ones at every start):")
        for login in demo_logins(app):
            print(
                f"  {login.role:<17} {login.who}\n"
                f"    login: {login.principal}  password: {login.password}\n"
                f"    token: {login.token}"
            )
        print(
            f"\nTry:\n  curl -H 'Authorization: Bearer <hr token>' "
            f"'{base}/api/v1/standings?agency=SNV-HN&year={DEMO_YEAR}'"
        )
    print(f"\nMinh Bạch is serving {app.storage.display_url}")
    print(
        f"  web pages: {base}/\n  API docs:  {base}/docs\n  health:    {base}/health\n",
        flush=True,
    )
    uvicorn.run(create_app(app), host=args.host, port=args.port, log_config=None, access_log=False)
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    """A fresh token for a principal, by whoever runs the service (an expired
    admin token is renewed this way)."""
    from api.auth import token_expiry
    from api.bootstrap import issue
    from domain.actors import Actor, CommandContext, Role

    app = open_app(args.database_url)
    operator = CommandContext(Actor("system", Role.ADMIN), "minhbach token")
    token = issue(app, args.principal, args.label, operator)
    expires = token_expiry(app, args.principal, token.split(".")[2])
    print(f"token for {args.principal} (shown once, valid until {expires.isoformat()}):")
    print(f"  {token}")
    return 0


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    p_import = sub.add_parser("import", help="apply a JSON Lines file of commands")
    p_import.add_argument("file")
    p_import.set_defaults(func=cmd_import)

    p_demo = sub.add_parser("demo", help="load the demo agency (idempotent)")
    p_demo.set_defaults(func=cmd_demo)

    p_log = sub.add_parser("log", help="list events of the notification log")
    p_log.add_argument("--after", type=int, default=None, help="start after this position")
    p_log.add_argument("--limit", type=int, default=50)
    p_log.set_defaults(func=cmd_log)

    p_token = sub.add_parser("token", help="issue a bearer token for a principal")
    p_token.add_argument("principal")
    p_token.add_argument("--label", default="command line", help="what the token is for")
    p_token.set_defaults(func=cmd_token)

    p_serve = sub.add_parser("serve", help="run the HTTP API")
    p_serve.add_argument("--host", default="127.0.0.1")
    p_serve.add_argument("--port", type=int, default=8335)
    p_serve.add_argument(
        "--demo", action="store_true", help="load the demo agency and print demo tokens"
    )
    p_serve.set_defaults(func=cmd_serve)
