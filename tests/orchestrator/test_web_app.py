"""The dashboard's page, assets and API documents, all served from the package."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from orchestrator import Orchestrator, create_app
from orchestrator._web import STATIC
from thread import Subjects, Thread


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The app on an orchestrator that never connects: pages need no thread."""
    idle = Orchestrator(Thread("nats://127.0.0.1:1", subjects=Subjects("t"), name="x"))
    transport = httpx.ASGITransport(app=create_app(idle))
    async with httpx.AsyncClient(transport=transport, base_url="http://d") as http:
        yield http


async def test_openapi_document_describes_every_endpoint(
    client: httpx.AsyncClient,
) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]

    assert {
        "/api/status",
        "/api/graph",
        "/api/nodes/{node_id}",
        "/api/impact",
        "/api/events",
        "/healthz",
    } <= set(paths)


async def test_docs_page_loads_its_assets_from_the_dashboard_itself(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/docs")).text

    assert re.findall(r"https?://", page) == []
    assert (await client.get("/static/vendor/swagger-ui-bundle.js")).status_code == 200


async def test_page_loads_only_local_scripts_that_are_there(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/")).text
    scripts = re.findall(r'<script src="([^"]+)"', page)

    answers = [(await client.get(src)).status_code for src in scripts]
    assert scripts == ["/static/vendor/cytoscape.min.js", "/static/app.js"]
    assert answers == [200, 200]


@pytest.mark.parametrize(
    "library", ["cytoscape.min.js", "swagger-ui-bundle.js"], ids=str
)
def test_each_vendored_library_ships_with_its_license(library: str) -> None:
    name = library.split(".")[0].removesuffix("-bundle")

    assert (STATIC / "vendor" / f"{name}.LICENSE").is_file()
