"""Answers for reqctx's tests from the real oslo.context.

Reads a JSON object {"contexts": [kwargs...], "environs": [environ...]} on
stdin and prints {"contexts": [{"to_dict":..., "logging":...}],
"environs": [{"to_dict":..., "logging":...}]}.
"""
import json
import sys

from oslo_context import context


def answer(ctx):
    return {"to_dict": ctx.to_dict(), "logging": ctx.get_logging_values(),
            "global_id": ctx.global_id}


req = json.load(sys.stdin)
out = {"contexts": [], "environs": []}
for kw in req["contexts"]:
    out["contexts"].append(answer(context.RequestContext(overwrite=False, **kw)))
for env in req["environs"]:
    out["environs"].append(answer(context.RequestContext.from_environ(env, overwrite=False, request_id="req-fixed")))
json.dump(out, sys.stdout)
