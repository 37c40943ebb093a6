"""Generated requests against every operation of the OpenAPI schema (schemathesis): whatever the
input, the API answers with a success or a 4xx in the error schema, never a 500 (house rule 1)."""

import json
from urllib.parse import urlencode

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings

from jiceng.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def street_client(token_for):
    client = Client(raise_request_exception=False)
    client.defaults.update(token_for("street"))
    return client


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_input_makes_the_api_fail(case, street_client):
    has_body = isinstance(case.body, dict | list | str | int | float | bool)
    body = json.dumps(case.body) if has_body else ""
    response = street_client.generic(
        case.method, case.formatted_path, data=body, content_type="application/json",
        QUERY_STRING=urlencode(case.query or {}, doseq=True),
    )
    assert response.status_code < 500, (case.method, case.formatted_path, case.query, case.body, response.content)
    if response.status_code >= 400:
        assert set(response.json()) == {"detail", "errors"}
