"""A schemathesis check for .ci/fuzz.sh: a request that is valid by the OpenAPI
document may be refused with 422 only under a rule the document cannot state
(the codes fuzz.sh lists in FUZZ_INEXPRESSIBLE_422, each with its reason)."""
import os

import schemathesis
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

INEXPRESSIBLE = frozenset(os.environ.get("FUZZ_INEXPRESSIBLE_422", "").split())


@schemathesis.check
def refused_only_by_inexpressible_rules(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    # Probes of the request's shape (a missing body, a wrong method) are not schema-valid data.
    if is_unexpected_http_status_case(case):
        return None
    try:
        code = response.json().get("code")
    except Exception:
        code = None
    if code not in INEXPRESSIBLE:
        raise AssertionError(
            f"a request valid by the OpenAPI document was refused with 422 `{code}`: "
            "the document should state this rule (a pattern, bound or enum), or the server should accept it"
        )
    return None
