"""``twinweave schema`` and ``twinweave asyncapi``: contracts for integration teams.

Every command works offline, on the contract files (``schemas/`` by default),
or, with ``--nats-url``, on the registry of a running thread. Exit codes: 0 when
all is well, 1 when a check finds incompatibilities (or the thread cannot be
reached), 2 for an argument that cannot be used.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import nats.errors
import orjson
import typer

from schemas import SCHEMA_DIR
from thread._asyncapi import asyncapi_document
from thread._compat import Compatibility, check
from thread._connection import Thread
from thread._errors import (
    ConfigurationError,
    ContractError,
    SchemaRejectedError,
    SubjectError,
    ThreadUnavailableError,
    TwinweaveError,
)
from thread._incompat import Incompatibility
from thread._registry import (
    DEFAULT_MODE,
    SchemaRegistry,
    admit,
    canonical,
    check_document,
    mode_of,
    read_file,
)
from thread._schemaref import SchemaRef
from thread._subjects import Subjects
from thread._subset import can_read

T = TypeVar("T")
Catalog = dict[SchemaRef, dict[str, Any]]

app = typer.Typer(
    name="schema",
    help="List, compare, check and register schema contracts.",
    no_args_is_help=True,
)
asyncapi_app = typer.Typer(
    name="asyncapi", help="Write an AsyncAPI 3.0 document of the thread."
)

NatsUrl = Annotated[
    str | None,
    typer.Option(help="a running thread's NATS URL; without it, the files are used"),
]
Prefix = Annotated[
    str, typer.Option(envvar="TWINWEAVE_PREFIX", help="the thread's subject prefix")
]
Root = Annotated[
    Path, typer.Option("--root", help="the folder of contract files (offline)")
]
Mode = Annotated[
    str | None,
    typer.Option(help="compatibility mode, e.g. BACKWARD or full-transitive"),
]


@app.command("list")
def list_contracts(
    nats_url: NatsUrl = None, prefix: Prefix = "tw", root: Root = SCHEMA_DIR
) -> None:
    """List every contract: kind, message, versions and compatibility mode."""
    with _errors():
        catalog, modes = _load(nats_url, prefix, root)
        subjects = sorted({(ref.kind, ref.message) for ref in catalog})
        for kind, message in subjects:
            versions = ", ".join(_versions(catalog, kind, message))
            mode = modes.get((kind, message), DEFAULT_MODE)
            typer.echo(f"{kind:<12} {message:<24} {versions:<16} {mode}")


@app.command("show")
def show(
    kind: str,
    message: str,
    version: Annotated[str | None, typer.Argument(help="default: the latest")] = None,
    nats_url: NatsUrl = None,
    prefix: Prefix = "tw",
    root: Root = SCHEMA_DIR,
) -> None:
    """Print one contract document (the latest version unless one is given)."""
    with _errors():
        catalog, _ = _load(nats_url, prefix, root)
        versions = _versions(catalog, kind, message)
        if not versions:
            _fail(f"no contract {kind}:{message}", 2)
        chosen = version or versions[-1]
        if chosen not in versions:
            _fail(
                f"{kind}:{message} has no version {chosen} ({', '.join(versions)})", 2
            )
        doc = catalog[SchemaRef(kind, message, chosen)]
        typer.echo(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode())


@app.command("diff")
def diff(
    a: Annotated[str, typer.Argument(help="the earlier contract: a file or a ref")],
    b: Annotated[str, typer.Argument(help="the later contract: a file or a ref")],
    nats_url: NatsUrl = None,
    prefix: Prefix = "tw",
    root: Root = SCHEMA_DIR,
) -> None:
    """Show what breaks between two contracts, both ways.

    A contract is a file, or a reference as ``kind:message:version`` or a URN.
    """
    with _errors():
        catalog: Catalog = {}
        if not (Path(a).is_file() and Path(b).is_file()):
            catalog, _ = _load(nats_url, prefix, root)
        earlier, later = _pick(a, catalog), _pick(b, catalog)
        _print(
            "backward (the later reads data of the earlier)", can_read(later, earlier)
        )
        forward = can_read(earlier, later, reader_is_newer=False)
        _print("forward (the earlier reads data of the later)", forward)


@app.command("check")
def check_file(
    file: Annotated[Path, typer.Argument(help="the new contract file")],
    against: Annotated[
        Path | None,
        typer.Option(
            help="folder of earlier contracts, offline"
            " [default: the schemas folder FILE is in]"
        ),
    ] = None,
    nats_url: NatsUrl = None,
    prefix: Prefix = "tw",
    mode: Mode = None,
) -> None:
    """Check a contract file against the earlier versions of its message.

    Exit 0 when compatible, 1 with the reasons when not.
    """
    with _errors():
        if against is not None and nats_url is not None:
            _fail("give --against or --nats-url, not both", 2)
        ref, doc = read_file(file)
        chosen = Compatibility.parse(mode) if mode else None
        if nats_url is None:
            # FILE lies at <schemas>/<kind>/<message>.<version>.json: its earlier
            # versions are beside it, in a twin package as in twinweave itself.
            root = against or file.resolve().parent.parent
            broken, mode_used = _check_offline(ref, doc, root, chosen)
        else:
            broken, mode_used = _run(nats_url, prefix, _check_online(ref, doc, chosen))
        if broken:
            typer.echo(f"{_name(ref)} is not {mode_used} compatible:")
            for item in broken:
                typer.echo(f"  {item}")
            raise typer.Exit(1)
        typer.echo(f"{_name(ref)} is {mode_used} compatible")


@app.command("register")
def register(
    file: Annotated[Path, typer.Argument(help="the contract file")],
    nats_url: Annotated[str, typer.Option(help="the thread's NATS URL")],
    prefix: Prefix = "tw",
    mode: Mode = None,
) -> None:
    """Register a contract file in a running thread's registry."""
    with _errors():
        ref, doc = read_file(file)
        chosen = Compatibility.parse(mode) if mode else None

        async def work(registry: SchemaRegistry) -> bool:
            return await registry.register(ref, doc, chosen)

        added = _run(nats_url, prefix, work)
        typer.echo(f"{'registered' if added else 'already registered'} {_name(ref)}")


@asyncapi_app.callback(invoke_without_command=True)
def asyncapi(
    nats_url: NatsUrl = None,
    prefix: Prefix = "tw",
    root: Root = SCHEMA_DIR,
    output: Annotated[
        Path | None, typer.Option(help="write here instead of standard output")
    ] = None,
) -> None:
    """Write an AsyncAPI 3.0 document (JSON) of the thread's channels and contracts."""
    with _errors():
        catalog, _ = _load(nats_url, prefix, root)
        document = asyncapi_document(
            catalog.items(), _subjects(prefix), server_url=nats_url
        )
        text = orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()
        if output is None:
            typer.echo(text)
            return
        try:
            output.write_text(text + "\n")
        except OSError as exc:
            _fail(f"{output}: {exc.strerror or exc}", 2)


# -- sources of contracts ------------------------------------------------------


def _load(
    nats_url: str | None, prefix: str, root: Path
) -> tuple[Catalog, dict[tuple[str, str], Compatibility]]:
    if nats_url is not None:
        return _run(nats_url, prefix, _registered)
    if not root.is_dir():
        _fail(f"{root}: not a folder of contracts", 2)
    catalog = dict(read_file(path) for path in sorted(root.glob("*/*.json")))
    modes: dict[tuple[str, str], Compatibility] = {}
    for ref in sorted(catalog, key=lambda r: r.semver):
        modes[(ref.kind, ref.message)] = mode_of(catalog[ref]) or DEFAULT_MODE
    return catalog, modes


async def _registered(
    registry: SchemaRegistry,
) -> tuple[Catalog, dict[tuple[str, str], Compatibility]]:
    catalog = {ref: await registry.get(ref) for ref in await registry.list()}
    modes: dict[tuple[str, str], Compatibility] = {}
    for kind, message in {(ref.kind, ref.message) for ref in catalog}:
        modes[(kind, message)] = await registry.mode(kind, message) or DEFAULT_MODE
    return catalog, modes


def _check_offline(
    ref: SchemaRef, doc: dict[str, Any], folder: Path, mode: Compatibility | None
) -> tuple[list[Incompatibility], Compatibility]:
    catalog, _ = _load(None, "tw", folder)
    used = mode or mode_of(doc) or DEFAULT_MODE
    check_document(ref, doc)
    same = catalog.get(ref)
    if same is not None and canonical(same) != canonical(doc):
        raise SchemaRejectedError(
            ref, f"version {ref.version} exists with another document"
        )
    earlier = [catalog[r] for r in _refs(catalog, ref) if r.semver < ref.semver]
    return check(used, doc, earlier), used


def _check_online(
    ref: SchemaRef, doc: dict[str, Any], mode: Compatibility | None
) -> Callable[[SchemaRegistry], Awaitable[tuple[list[Incompatibility], Compatibility]]]:
    async def work(
        registry: SchemaRegistry,
    ) -> tuple[list[Incompatibility], Compatibility]:
        kept = await registry.mode(ref.kind, ref.message, default=None)
        used = mode or kept or mode_of(doc) or DEFAULT_MODE
        existing = {
            version: await registry.get(ref.at(version))
            for version in await registry.versions(ref.kind, ref.message)
        }
        return admit(ref, doc, existing, used), used

    return work


def _pick(text: str, catalog: Catalog) -> dict[str, Any]:
    if Path(text).is_file():
        return read_file(Path(text))[1]
    urn = text if text.startswith("urn:") else f"urn:twinweave:schema:{text}"
    try:
        ref = SchemaRef.parse(urn)
    except ContractError:
        _fail(f"{text!r} is neither a file nor a kind:message:version reference", 2)
    if ref not in catalog:
        _fail(f"no contract {_name(ref)}", 2)
    return catalog[ref]


def _refs(catalog: Catalog, ref: SchemaRef) -> list[SchemaRef]:
    same = [r for r in catalog if (r.kind, r.message) == (ref.kind, ref.message)]
    return sorted(same, key=lambda r: r.semver)


def _versions(catalog: Catalog, kind: str, message: str) -> list[str]:
    return [r.version for r in _refs(catalog, SchemaRef(kind, message, "0.0.0"))]


def _run(
    nats_url: str, prefix: str, work: Callable[[SchemaRegistry], Awaitable[T]]
) -> T:
    subjects = _subjects(prefix)

    async def session() -> T:
        async with Thread(
            nats_url, subjects=subjects, name="twinweave-schema", connect_timeout=5
        ) as thread:
            return await work(SchemaRegistry(thread))

    try:
        return asyncio.run(session())
    except nats.errors.Error as exc:
        # What the thread answered when asked for its registry bucket (no
        # JetStream, say): a reason on one line rather than a traceback.
        reason = str(exc) or type(exc).__name__
        raise ThreadUnavailableError(nats_url, reason) from exc


def _subjects(prefix: str) -> Subjects:
    try:
        return Subjects(prefix)
    except SubjectError as exc:
        raise ConfigurationError("--prefix", exc.reason) from exc


# -- output --------------------------------------------------------------------


def _print(title: str, found: list[Incompatibility]) -> None:
    typer.echo(f"{title}: {'compatible' if not found else 'incompatible'}")
    for item in found:
        typer.echo(f"  {item}")


def _name(ref: SchemaRef) -> str:
    return f"{ref.kind}:{ref.message}:{ref.version}"


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn twinweave errors into one line on standard error and an exit code."""
    try:
        yield
    except ConfigurationError as exc:
        _fail(str(exc), 2)
    except TwinweaveError as exc:
        _fail(str(exc), 1)
