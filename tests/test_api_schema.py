"""Schemathesis against the API's own OpenAPI spec, in process, on the demo store: whatever the parameters and
bodies (within the spec, and outside it where schemathesis tries that), no operation answers with a server
error, without the token (reads open, writes refused) and with it (writes run: uploads, deletes, ingest).
Few examples per operation keep the run short; fetching URLs is answered as offline."""

from __future__ import annotations

import urllib.error
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from api_store import build
from narrascope.ingest import fetch
from narrascope.serve.server import ServeSettings, create_app

TOKEN = "schema-test-token"
EXAMPLES = settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@pytest.fixture(scope="module")
def api_app(tmp_path_factory) -> Iterator[object]:
    folder = tmp_path_factory.mktemp("api-schema")
    db = str(folder / "schema.db")
    build(db, folder)
    with pytest.MonkeyPatch.context() as mp:

        def offline(url: str, options: object) -> object:
            raise urllib.error.URLError("offline in tests")

        mp.setattr(fetch, "fetch", offline)
        yield create_app(ServeSettings(db, token=TOKEN))


@pytest.fixture
def api_schema(api_app) -> object:
    return schemathesis.openapi.from_asgi("/api/openapi.json", api_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@EXAMPLES
def test_no_server_error_without_a_token(case) -> None:
    case.call_and_validate(checks=[not_a_server_error])


@schema.parametrize()
@EXAMPLES
def test_no_server_error_with_the_token(case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=[not_a_server_error])
