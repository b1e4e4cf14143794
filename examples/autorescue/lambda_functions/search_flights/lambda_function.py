"""AutoRescue-SearchFlights: flight offers for the agent, through the AgentCore Gateway.

Event (the tool input, as the seed's ``aws lambda invoke --payload``)::

    {"origin": "JFK", "destination": "LAX", "departure_date": "2025-12-15", "adults": 1, "max_results": 5}

Returns ``{"statusCode": 200, "origin", "destination", "departure_date", "count", "offers": [...]}``
with the offers cheapest first, or ``{"statusCode": 400|502, "error": ..., "message": ...}``.
"""

import json
import re
from datetime import date

import amadeus_client
import ops_params

IATA = re.compile(r"^[A-Z]{3}$")


def lambda_handler(event, context):
    try:
        req = validate(event)
        raw = amadeus_client.flight_offers(
            req["origin"], req["destination"], req["departure_date"], req["adults"], req["max_results"]
        )
        offers = sorted(
            (amadeus_client.compact(o) for o in raw.get("data") or [] if o.get("itineraries")),
            key=lambda o: (o["price"], o["departure"]["at"]),
        )[: req["max_results"]]
        result = {"statusCode": 200, **{k: req[k] for k in ("origin", "destination", "departure_date")}, "count": len(offers), "offers": offers}
    except ValueError as e:
        result = {"statusCode": 400, "error": "invalid_request", "message": str(e)}
    except amadeus_client.AmadeusError as e:
        result = {"statusCode": e.status, "error": "amadeus_error", "message": str(e)}
    except ops_params.ParamsError as e:
        result = {"statusCode": 500, "error": "configuration_error", "message": str(e)}
    print(json.dumps({"msg": "search-flights", "status": result["statusCode"], "count": result.get("count")}))
    return result


def validate(event):
    """The request with defaults filled in; a ValueError naming every bad field."""
    if not isinstance(event, dict):
        raise ValueError("expected a JSON object with origin, destination and departure_date")
    problems = []
    req = {}
    for field in ("origin", "destination"):
        code = str(event.get(field) or "").strip().upper()
        if not IATA.match(code):
            problems.append(f"{field} must be a 3-letter IATA airport code")
        req[field] = code
    try:
        req["departure_date"] = date.fromisoformat(str(event.get("departure_date"))).isoformat()
    except ValueError:
        problems.append("departure_date must be YYYY-MM-DD")
    for field, default, high in (("adults", 1, 9), ("max_results", 5, 50)):
        value = event.get(field, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
            problems.append(f"{field} must be a whole number 1..{high}")
        req[field] = value
    if problems:
        raise ValueError("; ".join(problems))
    return req
