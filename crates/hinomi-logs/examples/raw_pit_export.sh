#!/usr/bin/env bash
# Baseline for the export benchmark (examples/log_bench.rs): the same PIT paging as
# `ElasticClient::export` done with curl alone: open a PIT on OpenSearch, ask for pages of the
# same size with the same query and sort (`search_after` the last hit's sort values), append
# each raw page to a file, close the PIT. No per-hit work: the pages are written as received.
#
# raw_pit_export.sh BASE_URL INDEX QUERY_JSON SORT_JSON PAGE_SIZE MAX_PAGES OUT
# Prints "<hits> <bytes written>".
set -euo pipefail
# Byte-wise grep: in a UTF-8 locale it is several times slower on the Japanese messages.
export LC_ALL=C
base=$1 index=$2 query=$3 sort=$4 size=$5 max_pages=$6 out=$7

pit=$(curl -sfS -X POST "$base/$index/_search/point_in_time?keep_alive=5m" |
  grep -o '"pit_id":"[^"]*"' | cut -d'"' -f4)
page=$(mktemp)
sorts=$(mktemp)
trap 'rm -f "$page" "$sorts"' EXIT
: >"$out"
after=""
total_flag=true # exact total once, on the first page, as the export asks for it
hits=0
for ((n = 0; n < max_pages; n++)); do
  body="{\"size\":$size,\"query\":$query,\"sort\":$sort,${after:+\"search_after\":$after,}\"pit\":{\"id\":\"$pit\",\"keep_alive\":\"5m\"},\"track_total_hits\":$total_flag}"
  curl -sfS -H 'content-type: application/json' --data-binary "$body" "$base/_search" -o "$page"
  cat "$page" >>"$out"
  # One pass: every hit has one sort array; the last one is the next `search_after`.
  grep -o '"sort":\[[^]]*\]' "$page" >"$sorts" || true
  got=$(wc -l <"$sorts")
  hits=$((hits + got))
  after=$(tail -n 1 "$sorts" | cut -c8-)
  total_flag=false
  if ((got < size)) || [[ -z $after ]]; then
    break
  fi
done
curl -sfS -X DELETE "$base/_search/point_in_time" -H 'content-type: application/json' \
  --data-binary "{\"pit_id\":[\"$pit\"]}" >/dev/null
sync "$out"
echo "$hits $(stat -c %s "$out")"
