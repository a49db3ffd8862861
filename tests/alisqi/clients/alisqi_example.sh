#!/bin/sh
# The vendor's curl examples: storeResults (form, results as a JSON string) and getResults.
#   ALISQI_HOST=https://demo.alisqi.com ALISQI_TOKEN=... sh alisqi_example.sh BATCH
set -e
BATCH=${1:-CURL-1}
curl -sf -H "Authorization: Bearer $ALISQI_TOKEN" \
  -d setId=1 \
  --data-urlencode "results=[{\"product_\":\"LDPE Blown 40\",\"batchnumber_\":\"$BATCH\",\"thickness_\":39.5}]" \
  "$ALISQI_HOST/api/storeResults"
echo
curl -sf -G -H "Authorization: Bearer $ALISQI_TOKEN" \
  --data-urlencode setId=1 --data-urlencode "filter={\"batchnumber_\":\"$BATCH\"}" \
  "$ALISQI_HOST/api/getResults"
echo
