"""An integrator's script in the shape of the vendor's published Python example:
read the latest results of a set, then store new ones, with a Bearer token.

    ALISQI_HOST=https://demo.alisqi.com ALISQI_TOKEN=... python alisqi_example.py

Only the host differs between the real installation and the mock.
"""

import json
import os
import sys

import requests

HOST = os.environ["ALISQI_HOST"].rstrip("/")
TOKEN = os.environ["ALISQI_TOKEN"]
SET_ID = int(os.environ.get("ALISQI_SET_ID", "1"))
HEADERS = {"Authorization": "Bearer " + TOKEN}


def get_results():
    params = {"setId": SET_ID, "limit": 5, "sort": "date:desc",
              "filter": json.dumps({"line_": [{"value": 1}]})}
    response = requests.get(HOST + "/api/getResults", headers=HEADERS, params=params,
                            timeout=30)
    response.raise_for_status()
    return response.json()


def store_results(batch):
    results = [
        {"date": "2026-03-01 10:00:00", "product_": "PE-100 Film", "batchnumber_": batch,
         "meltindex_": 2.01, "density_": "0.9301", "visual_ok_": True},
        {"date": "2026-03-01 11:00:00", "product_": "PE-100 Film", "batchnumber_": batch + "b",
         "meltindex_": "<0.5", "defects_": ["Gels"]},
    ]
    data = {"setId": SET_ID, "results": json.dumps(results)}
    response = requests.post(HOST + "/api/storeResults", headers=HEADERS, data=data,
                             timeout=30)
    response.raise_for_status()
    return response.json()


if __name__ == "__main__":
    latest = get_results()
    print("read", len(latest), "results")
    answer = store_results(sys.argv[1] if len(sys.argv) > 1 else "EX-1")
    print("stored", json.dumps(answer))
    errors = [entry for entry in answer if entry]
    sys.exit(1 if errors or not latest else 0)
