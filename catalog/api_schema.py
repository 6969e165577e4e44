"""The API's OpenAPI schema: in English, with every error the server can answer documented."""

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView

from catalog.filters import FrameworkFilterSet


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, always in English (the API's error messages follow Accept-Language)."""

    def dispatch(self, request, *args, **kwargs):
        with translation.override("en"):
            return super().dispatch(request, *args, **kwargs)


def _json(schema_name: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}


ERROR_SCHEMAS = {
    "ValidationError": {
        "type": "object",
        "description": "Each invalid parameter, with what is wrong with it.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    "Error": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
}
ERROR_RESPONSES = {
    "400": {
        "description": "Invalid parameters; nothing is listed.",
        "content": _json("ValidationError"),
    },
    "404": {
        "description": "No such framework, no such address, or a page past the end.",
        "content": _json("Error"),
    },
    "429": {
        "description": "Too many requests: try again after `Retry-After` seconds.",
        "content": _json("Error"),
        "headers": {
            "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
        },
    },
}


def document_errors(result, generator, request, public):
    """Schema hook: every operation documents 400, 404 and 429 (with `Retry-After`), their
    bodies, and the filters' length limits, so that clients and fuzzers agree with the server."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    limits = {
        name: spec.extra["max_length"]
        for name, spec in FrameworkFilterSet.base_filters.items()
        if "max_length" in spec.extra
    }
    for operations in result["paths"].values():
        for operation in operations.values():
            operation["responses"].update(ERROR_RESPONSES)
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] in limits:
                    parameter["schema"]["maxLength"] = limits[parameter["name"]]
    return result
