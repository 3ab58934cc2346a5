"""The gateway's dialect declarations cover what the installed official `openai` and `anthropic` SDKs can send
and receive.

Every field the SDK's typed request parameters know (`CompletionCreateParams`, `ResponseCreateParams`,
`EmbeddingCreateParams`) — and every field of its answer and stream-event models — must be declared by the
gateway's dialect: as text, tool, parameter, schema, or refused (`portcullis apis --json`). When a new SDK
adds a field, this test names it, so it is classified before anyone can send it through the gateway.
"""
import json
import subprocess
import typing

import pydantic
import pytest
import typing_extensions as te
from typing import Literal, Union, get_args, get_origin, get_type_hints

import openai.types.chat.completion_create_params as chat_params
import openai.types.embedding_create_params as embedding_params
import openai.types.responses.response_create_params as response_params
from openai.types import CreateEmbeddingResponse
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.responses import Response, ResponseStreamEvent

import anthropic.types.message_count_tokens_params as count_tokens_params
import anthropic.types.message_create_params as messages_params
from anthropic.types import Message, MessageTokensCount, RawMessageStreamEvent

from conftest import BIN

# Fields whose SDK type is `object` / `Dict[str, object]`: arbitrary JSON the gateway declares as a schema
# (every name and string inspected) or refuses — never walked into.
OPAQUE = {"object"}


def declared():
    out = subprocess.run([BIN, "apis", "--json"], capture_output=True, text=True, check=True).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    by_api = {}
    for r in rows:
        by_api.setdefault(r["api"], {}).setdefault(r["part"], {}).setdefault(r["path"], []).append(r)
    return by_api


def _tag_of(t, key):
    """The Literal value of `key` in a TypedDict / model variant, if it has exactly one."""
    try:
        hints = get_type_hints(t, include_extras=True) if te.is_typeddict(t) else {k: f.annotation for k, f in t.model_fields.items()}
    except Exception:
        return None
    ann = hints.get(key)
    while ann is not None and get_origin(ann) in (te.Required, te.NotRequired, typing.Required, typing.NotRequired, typing.Annotated, Union):
        args = [a for a in get_args(ann) if a is not type(None)]
        if not args:
            return None
        ann = args[0]
    if get_origin(ann) is Literal and len(get_args(ann)) == 1:
        return get_args(ann)[0]
    return None


def sdk_paths(root):
    """(path, variants) for every field under `root`: variants are the (container, key=tag) it sits in."""
    out = []
    seen = set()

    def walk(t, path, variants, depth):
        if depth > 14:
            return
        o = get_origin(t)
        if o is Union or str(o) == "types.UnionType":
            for a in get_args(t):
                walk(a, path, variants, depth)
            return
        if o in (te.Required, te.NotRequired, typing.Required, typing.NotRequired) or o is typing.Annotated:
            walk(get_args(t)[0], path, variants, depth)
            return
        if o in (list, typing.List) or (o is not None and getattr(o, "__name__", "") in ("Iterable", "Sequence", "SequenceNotStr")):
            if get_args(t):
                walk(get_args(t)[0], path + "[]", variants, depth + 1)
            return
        if o in (dict, typing.Dict):
            args = get_args(t)
            if len(args) == 2 and args[1] is object:
                out.append((path + "{*}", variants, "object"))
                return
            out.append((path + "{*}", variants, "map"))
            if len(args) == 2:
                walk(args[1], path + "{*}", variants, depth + 1)
            return
        if t is object:
            out.append((path, variants, "object"))
            return
        fields = None
        if te.is_typeddict(t):
            fields = get_type_hints(t, include_extras=True)
        elif isinstance(t, type) and issubclass(t, pydantic.BaseModel):
            fields = {(f.alias or k): f.annotation for k, f in t.model_fields.items()}
        if fields is None:
            return
        own = list(variants)
        for key in ("type", "role"):
            tag = _tag_of(t, key)
            if tag is not None:
                own.append((path, key, tag))
                break
        key = (t, path)
        if key in seen:
            return
        seen.add(key)
        for name, ann in fields.items():
            p = (path + "." + name) if path else name
            out.append((p, tuple(own), "field"))
            walk(ann, p, tuple(own), depth + 1)

    walk(root, "", (), 0)
    return out


def uncovered(paths, table):
    """SDK paths the declaration table does not cover."""
    declared_paths = set(table)
    covering = {p for p, rows in table.items() if any(r["kind"] in ("schema", "refused", "report") for r in rows)}
    missing = []
    for path, variants, kind in paths:
        if path in declared_paths:
            continue
        if path.endswith("{*}") and path[:-3] in covering:
            continue
        parts = path.split(".")
        prefixes = {".".join(parts[:i]) for i in range(1, len(parts))}
        # a prefix ending in [] or {*} covers what is below it too
        prefixes |= {p.rsplit("[]", 1)[0] for p in prefixes if p.endswith("[]")}
        if prefixes & covering or any(path.startswith(c + "{*}") or path.startswith(c + "[]") for c in covering):
            continue
        if any(f"{(c + '.') if c else ''}{k}={v}" in table for c, k, v in variants):
            continue  # a variant the gateway refuses as a whole
        missing.append(path)
    return sorted(set(missing))


@pytest.fixture(scope="module")
def tables():
    return declared()


@pytest.mark.parametrize("api,part,root", [
    ("chat.completions", "request", chat_params.CompletionCreateParamsBase),
    ("responses", "request", response_params.ResponseCreateParamsBase),
    ("embeddings", "request", embedding_params.EmbeddingCreateParams),
    ("chat.completions", "answer", ChatCompletion),
    ("chat.completions", "stream chunk", ChatCompletionChunk),
    ("responses", "answer", Response),
    ("embeddings", "answer", CreateEmbeddingResponse),
    ("messages", "request", messages_params.MessageCreateParamsBase),
    ("messages.count_tokens", "request", count_tokens_params.MessageCountTokensParams),
    ("messages", "answer", Message),
    ("messages.count_tokens", "answer", MessageTokensCount),
])
def test_every_sdk_field_is_declared(tables, api, part, root):
    missing = uncovered(sdk_paths(root), tables[api][part])
    assert missing == [], f"{api} {part}: fields the installed openai SDK knows and the gateway does not declare: {missing}"


def test_every_stream_event_type_is_declared(tables):
    events = get_args(get_args(ResponseStreamEvent)[0]) if len(get_args(ResponseStreamEvent)) < 3 else get_args(ResponseStreamEvent)
    missing = []
    for model in events:
        event_type = get_args(model.model_fields["type"].annotation)[0]
        part = "event " + event_type
        if part not in tables["responses"]:
            missing.append(event_type)
            continue
        table = dict(tables["responses"][part])
        table.update(tables["responses"]["every event"])
        for name in model.model_fields:
            field = model.model_fields[name].alias or name
            if field in ("response", "item") or any(r["kind"] == "refused" and r["path"] == "" for rows in table.values() for r in rows):
                continue
            if field not in table and not any(p.startswith(field + ".") or p.startswith(field + "[]") for p in table):
                missing.append(f"{event_type}.{field}")
    assert missing == [], f"Responses stream events or fields the gateway does not declare: {missing}"


def test_every_anthropic_stream_event_is_declared(tables):
    """Every event of the `anthropic` SDK's `RawMessageStreamEvent` union, and every field of each, is declared."""
    missing = []
    for model in get_args(get_args(RawMessageStreamEvent)[0]):
        event_type = get_args(model.model_fields["type"].annotation)[0]
        part = "event " + event_type
        if part not in tables["messages"]:
            missing.append(event_type)
            continue
        for path in uncovered(sdk_paths(model), tables["messages"][part]):
            # the snapshot of message_start is the answer, declared (and checked) as such
            if not path.startswith("message."):
                missing.append(f"{event_type}.{path}")
    assert missing == [], f"Messages stream events or fields the gateway does not declare: {missing}"
