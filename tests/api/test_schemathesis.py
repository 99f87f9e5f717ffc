"""Issue 24, done when: schemathesis, run against a live server with the OpenAPI schema the server
publishes, finds no server error and no response that violates the schema — for every operation,
with valid and with invalid input, as a manager whose token may write (so creates really run
through the services: visits are logged, orders upserted, tasks completed)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
EXAMPLES = 12  # per operation and mode: ~20 operations × 2 modes, a minute or two on CI


def run_operation(operation, mode, headers):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS, timeout=30)

    check()


def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_server, manager, world, settings):
    settings.API_THROTTLE_RATE = "100000/minute"  # the fuzzer is not the runaway client throttling is for
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    headers = {"Authorization": f"Bearer {token_for(manager)}"}
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                run_operation(operation, mode, headers)
            except Exception as failure:  # noqa: BLE001 - collected, so one run names every failing operation
                failures.append(f"{operation.label} [{mode.value}]: {failure}")
    assert operations >= 20
    assert not failures, "\n\n".join(failures)
