"""Schemathesis against the API's own OpenAPI spec, in process, on the demo store: whatever the parameters and
bodies (within the spec, and outside it where schemathesis tries that), no operation answers with a server
error, without the token (reads open, writes refused) and with it (writes run: uploads, deletes, ingest).
Few examples per operation keep the run short; fetching URLs is answered as offline."""

from __future__ import annotations

import urllib.error
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
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


def _failures(app: object, headers: dict[str, str] | None) -> list[str]:
    """Run every operation of the spec on generated cases; the operations that answered with a server
    error (or broke the run), with the case. Driven by hand rather than by schemathesis's pytest plugin,
    whose parametrisation breaks on pytest 9.2."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(ops) for ops in app.openapi()["paths"].values())  # type: ignore[attr-defined]
    for operation in operations:

        @given(case=operation.as_strategy())
        @EXAMPLES
        def run(case: object) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])  # type: ignore[attr-defined]

        try:
            run()
        except Exception as exc:  # the falsifying example is in the message
            failures.append(
                f"{operation.method.upper()} {operation.path}: {type(exc).__name__}: {exc}"[:2000]
            )
    return failures


def test_no_server_error_without_a_token(api_app) -> None:
    assert _failures(api_app, None) == []


def test_no_server_error_with_the_token(api_app) -> None:
    assert _failures(api_app, {"Authorization": f"Bearer {TOKEN}"}) == []
