"""The Amadeus Self-Service API, as AutoRescue's two Lambda targets use it.

The only module that talks to Amadeus: ``AMADEUS_BASE_URL`` (default https://test.api.amadeus.com)
points it elsewhere, so a test runs the functions against a local stub. The OAuth2 client
credentials come from the secure params ``amadeus/client-id`` and ``amadeus/client-secret``
through ``ops_params``. Both functions ship an identical copy (each zip is self-contained, as in
the seed); a test keeps the copies equal.
"""

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request

import ops_params

DEFAULT_BASE_URL = "https://test.api.amadeus.com"
# Amadeus tokens live 1799 s; the seed caches one for 1500 s.
TOKEN_CACHE_SECONDS = 1500

_token = {"value": None, "expires_at": 0.0}


class AmadeusError(Exception):
    """Amadeus refused or could not be reached; ``status`` is the HTTP status to report (400 or 502)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def _base_url():
    return os.environ.get("AMADEUS_BASE_URL", DEFAULT_BASE_URL).rstrip("/")


def _request(method, url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=float(os.environ.get("AMADEUS_TIMEOUT_SECONDS", "10"))) as res:
            return json.loads(res.read().decode("utf-8") or "{}")
    except urllib.error.HTTPError as e:
        detail = e.read().decode("utf-8", "replace")[:300]
        raise AmadeusError(400 if e.code == 400 else 502, f"Amadeus answered HTTP {e.code}: {detail}") from e
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        raise AmadeusError(502, f"Amadeus could not be reached: {getattr(e, 'reason', e)}") from e


def _access_token():
    if _token["value"] and time.monotonic() < _token["expires_at"]:
        return _token["value"]
    creds = ops_params.get_params(["amadeus/client-id", "amadeus/client-secret"])
    form = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": creds["amadeus/client-id"],
            "client_secret": creds["amadeus/client-secret"],
        }
    ).encode()
    body = _request(
        "POST", f"{_base_url()}/v1/security/oauth2/token", data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    if not body.get("access_token"):
        raise AmadeusError(502, "Amadeus returned no access_token")
    ttl = min(TOKEN_CACHE_SECONDS, int(body.get("expires_in", TOKEN_CACHE_SECONDS)))
    _token.update(value=body["access_token"], expires_at=time.monotonic() + ttl)
    return body["access_token"]


def flight_offers(origin, destination, departure_date, adults=1, max_results=5):
    """GET /v2/shopping/flight-offers: the raw Amadeus answer (``data`` and ``dictionaries``)."""
    query = urllib.parse.urlencode(
        {
            "originLocationCode": origin,
            "destinationLocationCode": destination,
            "departureDate": departure_date,
            "adults": adults,
            "max": max_results,
        }
    )
    token = _access_token()
    return _request(
        "GET", f"{_base_url()}/v2/shopping/flight-offers?{query}",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
    )


def compact(offer):
    """One Amadeus offer as the agent reads it: price, flights, departure/arrival, stops."""
    itinerary = offer["itineraries"][0]
    segments = itinerary["segments"]
    price = offer.get("price") or {}
    return {
        "id": offer.get("id"),
        "price": float(price.get("grandTotal") or price.get("total") or 0),
        "currency": price.get("currency"),
        "flights": [f"{s.get('carrierCode', '')}{s.get('number', '')}" for s in segments],
        "departure": {"airport": segments[0]["departure"]["iataCode"], "at": segments[0]["departure"]["at"]},
        "arrival": {"airport": segments[-1]["arrival"]["iataCode"], "at": segments[-1]["arrival"]["at"]},
        "stops": len(segments) - 1,
        "duration": itinerary.get("duration"),
        "seats_left": offer.get("numberOfBookableSeats"),
    }
