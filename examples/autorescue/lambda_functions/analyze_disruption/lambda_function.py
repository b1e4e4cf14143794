"""AutoRescue-AnalyzeDisruption: rebooking options for a disrupted flight.

Event (the tool input, as the seed's ``aws lambda invoke --payload``)::

    {"original_flight": "AA123", "origin": "JFK", "destination": "LAX",
     "original_date": "2025-12-15", "disruption_reason": "cancellation"}

Searches the original date and the ``SEARCH_DAYS`` - 1 days after it (env, default 3), drops the
disrupted flight itself, and recommends the alternative that arrives first (the cheapest breaks a
tie). Returns ``{"statusCode": 200, "searched_dates", "options", "recommendation", "cheapest",
"summary"}`` or ``{"statusCode": 400|502, "error", "message"}``.
"""

import json
import os
import re
from datetime import date, timedelta

import amadeus_client
import ops_params

IATA = re.compile(r"^[A-Z]{3}$")
FLIGHT = re.compile(r"^[A-Z0-9]{2}\d{1,4}$")
REASONS = ("cancellation", "delay", "missed_connection", "diversion")
MAX_OPTIONS = 5


def lambda_handler(event, context):
    try:
        req = validate(event)
        dates = [(req["original_date"] + timedelta(days=i)).isoformat() for i in range(_search_days())]
        options = []
        for day in dates:
            raw = amadeus_client.flight_offers(req["origin"], req["destination"], day, max_results=10)
            for offer in raw.get("data") or []:
                if offer.get("itineraries"):
                    compact = amadeus_client.compact(offer)
                    if req["original_flight"] not in compact["flights"]:
                        options.append(compact)
        options.sort(key=lambda o: (o["arrival"]["at"], o["price"]))
        result = {
            "statusCode": 200,
            "original_flight": req["original_flight"],
            "disruption_reason": req["disruption_reason"],
            "searched_dates": dates,
            "options": options[:MAX_OPTIONS],
            "recommendation": options[0] if options else None,
            "cheapest": min(options, key=lambda o: o["price"]) if options else None,
            "summary": summarize(req, options),
        }
    except ValueError as e:
        result = {"statusCode": 400, "error": "invalid_request", "message": str(e)}
    except amadeus_client.AmadeusError as e:
        result = {"statusCode": e.status, "error": "amadeus_error", "message": str(e)}
    except ops_params.ParamsError as e:
        result = {"statusCode": 500, "error": "configuration_error", "message": str(e)}
    print(json.dumps({"msg": "analyze-disruption", "status": result["statusCode"], "options": len(result.get("options") or [])}))
    return result


def _search_days():
    try:
        return max(1, min(7, int(os.environ.get("SEARCH_DAYS", "3"))))
    except ValueError:
        return 3


def validate(event):
    if not isinstance(event, dict):
        raise ValueError("expected a JSON object with original_flight, origin, destination, original_date")
    problems = []
    req = {"original_flight": str(event.get("original_flight") or "").strip().upper()}
    if not FLIGHT.match(req["original_flight"]):
        problems.append("original_flight must look like AA123")
    for field in ("origin", "destination"):
        req[field] = str(event.get(field) or "").strip().upper()
        if not IATA.match(req[field]):
            problems.append(f"{field} must be a 3-letter IATA airport code")
    try:
        req["original_date"] = date.fromisoformat(str(event.get("original_date")))
    except ValueError:
        problems.append("original_date must be YYYY-MM-DD")
    req["disruption_reason"] = str(event.get("disruption_reason") or "cancellation").lower()
    if req["disruption_reason"] not in REASONS:
        problems.append(f"disruption_reason must be one of {', '.join(REASONS)}")
    if problems:
        raise ValueError("; ".join(problems))
    return req


def summarize(req, options):
    route = f"{req['origin']}-{req['destination']}"
    if not options:
        return f"No alternatives to {req['original_flight']} ({route}) found in the searched dates."
    best = options[0]
    return (
        f"{req['original_flight']} ({route}, {req['disruption_reason']}): {len(options)} alternatives; "
        f"earliest arrival {'/'.join(best['flights'])} departing {best['departure']['at']}, "
        f"arriving {best['arrival']['at']} for {best['price']:.2f} {best['currency']}."
    )
