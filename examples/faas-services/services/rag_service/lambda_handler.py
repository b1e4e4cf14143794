"""rag-service: retrieval over the service's documents (``ANY /api/v1/rag/{proxy+}``).

``PUT /api/v1/rag/documents/{id}`` ``{"text", "title"?}`` stores a document in S3
(``RAG_DOCUMENTS_BUCKET``, under ``documents/``); ``POST /api/v1/rag/query`` ``{"query", "top_k"?}``
returns the best-matching passages (paragraphs ranked by query-term overlap, rarer terms weighing
more); ``GET /api/v1/rag/health``.
"""

import json
import math
import os
import re

import boto3

from motadata_ai_sdk.service import HttpError, Service

service = Service("/api/v1/rag")
PREFIX = "documents/"
MAX_DOCUMENTS = 200
ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
WORD = re.compile(r"[a-z0-9]+")

_s3 = None


def s3():
    global _s3
    if _s3 is None:
        _s3 = boto3.client("s3")
    return _s3


def bucket():
    name = os.environ.get("RAG_DOCUMENTS_BUCKET")
    if not name:
        raise HttpError(500, "RAG_DOCUMENTS_BUCKET is not set")
    return name


@service.route("PUT", "/documents/{doc_id}")
def put_document(req):
    doc_id, body = req.params["doc_id"], req.json()
    if not ID.match(doc_id):
        raise HttpError(400, "document ids are letters, digits, . _ - (at most 128)")
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise HttpError(400, "text is required (a non-empty string)")
    doc = {"id": doc_id, "title": str(body.get("title") or doc_id), "text": text}
    s3().put_object(Bucket=bucket(), Key=f"{PREFIX}{doc_id}.json", Body=json.dumps(doc).encode(), ContentType="application/json")
    return {"id": doc_id, "passages": len(passages(doc))}


@service.route("POST", "/query")
def query(req):
    body = req.json()
    text, top_k = body.get("query"), body.get("top_k", 3)
    if not isinstance(text, str) or not text.strip():
        raise HttpError(400, "query is required (a non-empty string)")
    if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= 20:
        raise HttpError(400, "top_k must be a whole number 1..20")
    candidates = [p for doc in documents() for p in passages(doc)]
    return {"query": text, "passages": rank(text, candidates)[:top_k]}


def documents():
    keys = []
    for page in s3().get_paginator("list_objects_v2").paginate(Bucket=bucket(), Prefix=PREFIX):
        keys.extend(o["Key"] for o in page.get("Contents", []))
    return [json.loads(s3().get_object(Bucket=bucket(), Key=k)["Body"].read()) for k in sorted(keys)[:MAX_DOCUMENTS]]


def passages(doc):
    parts = [p.strip() for p in re.split(r"\n\s*\n", doc["text"]) if p.strip()]
    return [{"document": doc["id"], "title": doc["title"], "passage": i, "text": p} for i, p in enumerate(parts)]


def rank(text, candidates):
    terms = set(WORD.findall(text.lower()))
    bags = [set(WORD.findall(c["text"].lower())) for c in candidates]
    idf = {t: math.log((1 + len(bags)) / (1 + sum(t in b for b in bags))) + 1 for t in terms}
    scored = [{**c, "score": round(sum(idf[t] for t in terms & bag), 4)} for c, bag in zip(candidates, bags)]
    return sorted((s for s in scored if s["score"] > 0), key=lambda s: (-s["score"], s["document"], s["passage"]))


handler = service.handler
