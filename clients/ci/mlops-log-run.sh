#!/bin/sh
# Logs an experiment run to MLOps Lifecycle from a CI job: POSIX sh and curl only, so it runs in
# any image that has curl (GitHub's runners, GitLab's python/node images, Alpine with curl).
#
#   mlops-log-run.sh <slug> <metric>=<number>... [--metrics-file F] [--name N] [--note TEXT]
#                    [--dataset D] [--param k=v]... [--tag k=v]... [--url URL] [--commit SHA]
#
# --metrics-file reads more <metric>=<number> pairs from a file your training step wrote (one or
# more per line; blank lines and lines starting with # are skipped).
# Needs MLOPS_URL (the app's address) and MLOPS_TOKEN (from `/mlops token <slug>` in Slack).
# In GitHub Actions and GitLab CI it fills in, from the platform's own variables:
#   commit   GITHUB_SHA                      | CI_COMMIT_SHA
#   branch   tag "branch": GITHUB_HEAD_REF or GITHUB_REF_NAME | CI_COMMIT_REF_NAME
#   url      the job's page: $GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID | CI_JOB_URL
#   key      Idempotency-Key: github-<run id>-<attempt>-<job> | gitlab-<job id>
# so a step retried (by curl below, or re-run by hand within the same attempt) logs one run, not two.
# Prints the stored run as JSON; on failure prints the API's message and exits non-zero.
set -eu
set -f # no pathname expansion: metric words and file contents are text, never patterns

die() { printf 'mlops-log-run: %s\n' "$*" >&2; exit 2; }

# A JSON string: backslash, quote, tab, CR and newlines escaped; other control characters dropped.
json_str() {
  printf '%s' "$1" | LC_ALL=C tr -d '\000-\010\013\014\016-\037' | LC_ALL=C awk '
    BEGIN { ORS = ""; printf "\"" }
    { if (NR > 1) printf "\\n"; gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); gsub(/\r/, "\\r"); printf "%s", $0 }
    END { printf "\"" }'
}

is_number() { printf '%s' "$1" | grep -Eq '^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$'; }

[ $# -ge 1 ] || die "usage: mlops-log-run.sh <slug> <metric>=<number>... [--metrics-file F] [--name N] [--note T] [--dataset D] [--param k=v] [--tag k=v] [--url U] [--commit SHA]"
[ -n "${MLOPS_URL:-}" ] || die "set MLOPS_URL to the app's address (e.g. https://mlops.example.com)"
[ -n "${MLOPS_TOKEN:-}" ] || die "set MLOPS_TOKEN to a project token (from /mlops token <slug> in Slack), as a CI secret"
slug=$1
shift
printf '%s' "$slug" | grep -Eq '^[a-z0-9][a-z0-9-]{0,62}$' || die "\"$slug\" is not a project slug (lowercase letters, digits and dashes)"

metrics='' params='' tags='' name='' note='' dataset='' url='' commit='' branch='' key=''

# The platform's variables first; flags given below override them.
if [ -n "${GITHUB_ACTIONS:-}" ]; then
  commit=${GITHUB_SHA:-}
  branch=${GITHUB_HEAD_REF:-${GITHUB_REF_NAME:-}}
  [ -n "${GITHUB_RUN_ID:-}" ] && url="${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY:-}/actions/runs/${GITHUB_RUN_ID}"
  [ -n "${GITHUB_RUN_ID:-}" ] && key="github-${GITHUB_RUN_ID}-${GITHUB_RUN_ATTEMPT:-1}-${GITHUB_JOB:-job}"
elif [ -n "${GITLAB_CI:-}" ]; then
  commit=${CI_COMMIT_SHA:-}
  branch=${CI_COMMIT_REF_NAME:-}
  url=${CI_JOB_URL:-}
  [ -n "${CI_JOB_ID:-}" ] && key="gitlab-${CI_JOB_ID}"
fi
# A key of its own (e.g. one per matrix entry) wins over the job's.
key=${MLOPS_IDEMPOTENCY_KEY:-$key}

pair() { # appends "k":"v" (text) or "k":v (number) to the list named $1
  list=$1 k=$2 v=$3
  eval "cur=\$$list"
  [ -n "$cur" ] && cur="$cur,"
  eval "$list=\"\$cur\$(json_str \"\$k\"):\$v\""
}

while [ $# -gt 0 ]; do
  case $1 in
    --metrics-file)
      [ $# -ge 2 ] || die "$1 needs a file"
      [ -r "$2" ] || die "cannot read the metrics file $2"
      for word in $(grep -v '^[[:space:]]*#' "$2"); do
        case $word in *=*) ;; *) die "$2: \"$word\" is not <metric>=<number>" ;; esac
        is_number "${word#*=}" || die "$2: metric ${word%%=*}: \"${word#*=}\" is not a number"
        pair metrics "${word%%=*}" "${word#*=}"
      done
      shift 2 ;;
    --name|--note|--dataset|--url|--commit|--param|--tag)
      [ $# -ge 2 ] || die "$1 needs a value"
      flag=$1 value=$2
      shift 2
      case $flag in
        --name) name=$value ;;
        --note) note=$value ;;
        --dataset) dataset=$value ;;
        --url) url=$value ;;
        --commit) commit=$value ;;
        --param|--tag)
          case $value in *=*) ;; *) die "$flag takes key=value, not \"$value\"" ;; esac
          if [ "$flag" = --param ]; then pair params "${value%%=*}" "$(json_str "${value#*=}")"; else pair tags "${value%%=*}" "$(json_str "${value#*=}")"; fi ;;
      esac ;;
    --*) die "unknown option $1" ;;
    *=*)
      m=${1%%=*} v=${1#*=}
      is_number "$v" || die "metric $m: \"$v\" is not a number"
      pair metrics "$m" "$v"
      shift ;;
    *) die "\"$1\" is neither <metric>=<number> nor an option" ;;
  esac
done
[ -n "$metrics" ] || die "give at least one metric, e.g. auc=0.91"
[ -n "$branch" ] && case ",$tags," in *'"branch":'*) ;; *) pair tags branch "$(json_str "$branch")" ;; esac

body="{\"metrics\":{$metrics}"
[ -n "$params" ] && body="$body,\"params\":{$params}"
[ -n "$tags" ] && body="$body,\"tags\":{$tags}"
for field in name note dataset url commit; do
  eval "value=\$$field"
  [ -n "$value" ] && body="$body,\"$field\":$(json_str "$value")"
done
body="$body}"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
# --retry resends on timeouts, 408, 429 and 5xx (following Retry-After) with the same
# Idempotency-Key, so a retry after a lost answer returns the first run rather than a second one.
status=$(printf '%s' "$body" | curl -sS --retry 4 --retry-connrefused --max-time 30 -o "$out" -w '%{http_code}' \
  -X POST "${MLOPS_URL%/}/api/v1/projects/$slug/runs" \
  -H "Authorization: Bearer $MLOPS_TOKEN" -H 'Content-Type: application/json' \
  ${key:+-H "Idempotency-Key: $key"} --data-binary @-) || { printf 'mlops-log-run: could not reach %s\n' "$MLOPS_URL" >&2; exit 1; }
case $status in
  2??) cat "$out"; printf '\n' ;;
  *) printf 'mlops-log-run: the app answered %s: %s\n' "$status" "$(cat "$out")" >&2; exit 1 ;;
esac
