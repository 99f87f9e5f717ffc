"""The OpenAPI schema names every answer an endpoint can give, errors included, so that a
client (and schemathesis, in tests/api/test_schemathesis.py) can rely on it."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

ERROR = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
FIELD_ERRORS = {
    "type": "object",
    "description": "Each invalid field (or non_field_errors) with its messages; nested for lists of rows.",
    "additionalProperties": True,
}
ERRORS = {
    "400": ("The input is invalid: each field named with what is wrong.", FIELD_ERRORS),
    "401": ("No valid session or token.", ERROR),
    "403": ("Not allowed: a read-only token writing, or a row you see but may not change.", ERROR),
    "404": ("Not found, or outside what you may see.", ERROR),
    "409": ("The Idempotency-Key was used for another request, or a concurrent change conflicted.", ERROR),
    "429": ("Too many requests for this token: wait for the Retry-After seconds.", ERROR),
}
READ_ERRORS = ("400", "401", "403", "404", "429")


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ERRORS if self.method != "GET" else {c: ERRORS[c] for c in READ_ERRORS}
        for code, (description, schema) in codes.items():
            responses.setdefault(code, {"description": description,
                                        "content": {"application/json": {"schema": schema}}})
        return responses


class AccessTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.AccessTokenAuthentication"
    name = "accessToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A personal access token (kam_…), made on your API tokens page."}
