"""Flight offer search on Amadeus (seed 000's AutoRescue-SearchFlights).

Direct invoke payload::

    {"origin": "JFK", "destination": "LAX", "departure_date": "2026-12-15",
     "adults": 1, "max_results": 5, "return_date": null, "currency": "USD", "non_stop": false}

Returns ``{"statusCode": 200, "count": n, "offers": [...]}`` sorted by price, or
``{"statusCode": 4xx/5xx, "error": code, "message": ..., "details": [...]}``. Invoked through an
HTTP API (payload 2.0) it reads the JSON body and answers with an HTTP response instead.

Params ``amadeus/client-id`` and ``amadeus/client-secret`` come from SSM through ops_params.
Env: ``AMADEUS_BASE_URL`` (default https://test.api.amadeus.com), ``AMADEUS_TIMEOUT_SECONDS`` (10).
Only the standard library and boto3, which the Lambda runtime ships.
"""

import base64
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from decimal import Decimal

import ops_params

DEFAULT_BASE_URL = "https://test.api.amadeus.com"
# Amadeus tokens live 1799 s; reuse one for at most 1500 s, as the seed does.
TOKEN_TTL_CAP_SECONDS = 1500
TOKEN_EXPIRY_MARGIN_SECONDS = 60
IATA_CODE = re.compile(r"^[A-Z]{3}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Counts OAuth token requests made by this process (tests read it).
stats = {"token_requests": 0}
_token = {"value": None, "expires_at": 0.0, "key": None}


class RequestError(Exception):
    """A request that cannot be answered; becomes an error result with an HTTP-style status."""

    def __init__(self, status, code, message, details=None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []

    def result(self):
        out = {"statusCode": self.status, "error": self.code, "message": self.message}
        if self.details:
            out["details"] = self.details
        return out


def lambda_handler(event, context):
    http = isinstance(event, dict) and event.get("version") == "2.0" and "requestContext" in event
    try:
        request = validate(_http_body(event) if http else event)
        offers = search(request)
        result = {"statusCode": 200, **_echo(request), "count": len(offers), "offers": offers}
    except RequestError as e:
        result = e.result()
    except ops_params.ParamsError as e:
        result = {"statusCode": 500, "error": "configuration_error", "message": str(e)}
    print(json.dumps({"msg": "search-flights", "status": result["statusCode"], "count": result.get("count")}))
    if not http:
        return result
    body = {k: v for k, v in result.items() if k != "statusCode"}
    return {"statusCode": result["statusCode"], "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def _http_body(event):
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode("utf-8")
    try:
        return json.loads(raw)
    except ValueError:
        raise RequestError(400, "invalid_request", "request body is not valid JSON")


def validate(payload):
    """The search request, normalised; raises a 400 RequestError listing every problem."""
    if not isinstance(payload, dict):
        raise RequestError(400, "invalid_request", "expected a JSON object with origin, destination, departure_date")
    problems = []
    req = {}
    for field in ("origin", "destination"):
        value = payload.get(field)
        code = value.strip().upper() if isinstance(value, str) else None
        if not code or not IATA_CODE.match(code):
            problems.append(f"{field}: must be a 3-letter IATA airport code like JFK")
        req[field] = code
    if not problems and req["origin"] == req["destination"]:
        problems.append("destination: must differ from origin")
    for field, required in (("departure_date", True), ("return_date", False)):
        value = payload.get(field)
        if value is None and not required:
            req[field] = None
            continue
        req[field] = _parse_date(value)
        if req[field] is None:
            problems.append(f"{field}: must be a date YYYY-MM-DD")
    if req.get("return_date") and req.get("departure_date") and req["return_date"] < req["departure_date"]:
        problems.append("return_date: must not be before departure_date")
    req["adults"] = _int_in(payload.get("adults", 1), 1, 9, "adults", problems)
    req["max_results"] = _int_in(payload.get("max_results", 5), 1, 50, "max_results", problems)
    currency = payload.get("currency")
    if currency is not None and not (isinstance(currency, str) and IATA_CODE.match(currency.upper())):
        problems.append("currency: must be a 3-letter currency code like USD")
    req["currency"] = currency.upper() if isinstance(currency, str) else None
    non_stop = payload.get("non_stop", False)
    if not isinstance(non_stop, bool):
        problems.append("non_stop: must be true or false")
    req["non_stop"] = non_stop is True
    if problems:
        raise RequestError(400, "invalid_request", "invalid request: " + "; ".join(problems), problems)
    return req


def _parse_date(value):
    if not isinstance(value, str) or not ISO_DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _int_in(value, low, high, field, problems):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.append(f"{field}: must be a whole number {low}..{high}")
        return None
    return value


def _echo(req):
    out = {"origin": req["origin"], "destination": req["destination"], "departure_date": req["departure_date"].isoformat()}
    if req["return_date"]:
        out["return_date"] = req["return_date"].isoformat()
    return out


def search(req):
    """Compact offers for a validated request, cheapest first."""
    creds = ops_params.get_params(["amadeus/client-id", "amadeus/client-secret"])
    base = os.environ.get("AMADEUS_BASE_URL", DEFAULT_BASE_URL).rstrip("/")
    query = {
        "originLocationCode": req["origin"],
        "destinationLocationCode": req["destination"],
        "departureDate": req["departure_date"].isoformat(),
        "adults": req["adults"],
        "max": req["max_results"],
    }
    if req["return_date"]:
        query["returnDate"] = req["return_date"].isoformat()
    if req["currency"]:
        query["currencyCode"] = req["currency"]
    if req["non_stop"]:
        query["nonStop"] = "true"
    url = f"{base}/v2/shopping/flight-offers?{urllib.parse.urlencode(query)}"
    for attempt in (1, 2):
        token = get_token(base, creds["amadeus/client-id"], creds["amadeus/client-secret"])
        try:
            body = _request("GET", url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
            return compact_offers(body, req["max_results"])
        except urllib.error.HTTPError as e:
            if e.code == 401 and attempt == 1:
                _token["value"] = None  # revoked or expired early: get a new one once
                continue
            raise _upstream_error(e, "flight search")


def get_token(base, client_id, client_secret):
    """An OAuth2 client_credentials token, reused until shortly before it expires (at most 1500 s)."""
    key = (base, client_id, client_secret)
    if _token["value"] and _token["key"] == key and time.monotonic() < _token["expires_at"]:
        return _token["value"]
    form = urllib.parse.urlencode(
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
    ).encode()
    stats["token_requests"] += 1
    try:
        body = _request(
            "POST", f"{base}/v1/security/oauth2/token", data=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    except urllib.error.HTTPError as e:
        raise _upstream_error(e, "authentication", code="upstream_auth_failed")
    if not body.get("access_token"):
        raise RequestError(502, "upstream_auth_failed", "Amadeus returned no access_token")
    ttl = min(TOKEN_TTL_CAP_SECONDS, max(0, int(body.get("expires_in", 0)) - TOKEN_EXPIRY_MARGIN_SECONDS))
    _token.update(value=body["access_token"], expires_at=time.monotonic() + ttl, key=key)
    return body["access_token"]


def _request(method, url, data=None, headers=None):
    timeout = float(os.environ.get("AMADEUS_TIMEOUT_SECONDS", "10"))
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return json.loads(res.read().decode("utf-8") or "{}")
    except urllib.error.HTTPError:
        raise
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise RequestError(502, "upstream_unavailable", f"Amadeus could not be reached: {reason}")
    except ValueError:
        raise RequestError(502, "upstream_error", "Amadeus answered with something that is not JSON")


def _upstream_error(err, what, code=None):
    """An Amadeus HTTP error as a result: its 400s are the caller's to fix, the rest are 502."""
    details = []
    try:
        payload = json.loads(err.read().decode("utf-8") or "{}")
        for e in payload.get("errors", []):
            details.append(e.get("detail") or e.get("title") or str(e.get("code")))
        if payload.get("error_description"):
            details.append(payload["error_description"])
    except (ValueError, AttributeError, OSError):
        pass
    status = 400 if err.code == 400 and code is None else 502
    message = f"Amadeus {what} failed with HTTP {err.code}" + (f": {details[0]}" if details else "")
    return RequestError(status, code or ("upstream_rejected" if status == 400 else "upstream_error"), message, details)


def compact_offers(body, limit):
    """Amadeus flight-offers JSON to a short list: price, carrier, departure/arrival, stops."""
    carriers = (body.get("dictionaries") or {}).get("carriers") or {}
    offers = []
    for offer in body.get("data") or []:
        itineraries = offer.get("itineraries") or []
        if not itineraries or not itineraries[0].get("segments"):
            continue
        price = offer.get("price") or {}
        amount = Decimal(str(price.get("grandTotal") or price.get("total") or "0"))
        outbound = _compact_itinerary(itineraries[0])
        carrier = (offer.get("validatingAirlineCodes") or [None])[0] or itineraries[0]["segments"][0].get("carrierCode")
        compact = {
            "id": offer.get("id"),
            "price": float(amount),
            "currency": price.get("currency"),
            "carrier": carrier,
            "carrier_name": carriers.get(carrier),
            **outbound,
            "seats_left": offer.get("numberOfBookableSeats"),
        }
        if len(itineraries) > 1 and itineraries[1].get("segments"):
            compact["return"] = _compact_itinerary(itineraries[1])
        offers.append((amount, compact))
    offers.sort(key=lambda pair: (pair[0], pair[1]["departure"]["at"] or ""))
    return [compact for _, compact in offers[:limit]]


def _compact_itinerary(itinerary):
    segments = itinerary["segments"]
    first, last = segments[0], segments[-1]
    return {
        "departure": {"airport": first["departure"].get("iataCode"), "at": first["departure"].get("at")},
        "arrival": {"airport": last["arrival"].get("iataCode"), "at": last["arrival"].get("at")},
        "stops": len(segments) - 1 + sum(int(s.get("numberOfStops") or 0) for s in segments),
        "duration": itinerary.get("duration"),
        "flights": [f"{s.get('carrierCode', '')}{s.get('number', '')}" for s in segments],
    }
