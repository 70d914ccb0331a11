#!/usr/bin/env bash
# A filter: prints each line of its input as it comes, prefixed with the
# seconds since the start and since the line before, and at the end the
# five largest gaps (the start before the first line and the end after the
# last one count too).  Exits 1 when a gap is over LIMIT seconds (default 10).
# Bash builtins only, so that the filter itself adds no delay.
#
#   bash ci/test.sh 2>&1 | bash ci/timestamps.sh 10
set -uo pipefail
limit_us=$(( ${1:-10} * 1000000 ))
start=${EPOCHREALTIME/./}
prev=$start n=0
top_gap=() top_at=() top_text=() # the five largest gaps, largest first

secs() { # US VAR: VAR = US microseconds as seconds, one decimal
  printf -v "$2" '%d.%d' $(($1 / 1000000)) $(($1 % 1000000 / 100000))
}

note_gap() { # GAP_US AT TEXT
  local i=${#top_gap[@]}
  while [ "$i" -gt 0 ] && [ "${top_gap[i - 1]}" -lt "$1" ]; do
    top_gap[i]=${top_gap[i - 1]} top_at[i]=${top_at[i - 1]} top_text[i]=${top_text[i - 1]}
    i=$((i - 1))
  done
  top_gap[i]=$1 top_at[i]=$2 top_text[i]=${3:0:100}
  if [ ${#top_gap[@]} -gt 5 ]; then unset 'top_gap[5]' 'top_at[5]' 'top_text[5]'; fi
}

while IFS= read -r line || [ -n "$line" ]; do
  now=${EPOCHREALTIME/./}
  n=$((n + 1))
  gap=$((now - prev))
  note_gap "$gap" "line $n" "$line"
  secs $((now - start)) t
  secs "$gap" g
  printf '[%7s s +%5s] %s\n' "$t" "$g" "$line"
  prev=$now
done
now=${EPOCHREALTIME/./}
note_gap $((now - prev)) "the end" "(after the last line)"

secs $((now - start)) t
echo "timestamps: $n lines in $t s; the largest gaps:"
over=0
for i in "${!top_gap[@]}"; do
  mark=""
  if [ "${top_gap[i]}" -gt "$limit_us" ]; then mark="  <-- over $((limit_us / 1000000)) s"; over=1; fi
  secs "${top_gap[i]}" g
  printf '  %6s s before %s: %s%s\n' "$g" "${top_at[i]}" "${top_text[i]}" "$mark"
done
if [ "$over" = 1 ]; then
  echo "timestamps: FAILED: a gap over $((limit_us / 1000000)) s"
  exit 1
fi
echo "timestamps: no gap over $((limit_us / 1000000)) s"
