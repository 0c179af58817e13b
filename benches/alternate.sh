# Sourced by the benches/compare-*.sh scripts: times two commands that each print
# {"ns_per_op": X} in ROUNDS alternating runs (the machine is shared and drifts), and sets
# $o and $u to the medians of the first (the oracle) and the second (ucore).
# usage: alternate "ORACLE-COMMAND ARGS" "UCORE-COMMAND ARGS"   (word-split, no quoting)
ns_per_op() { python3 -c 'import json,sys; print(json.load(sys.stdin)["ns_per_op"])'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
alternate() {
    local os=() us=() _
    for _ in $(seq "${ROUNDS:-5}"); do
        os+=("$($1 | ns_per_op)")
        us+=("$($2 | ns_per_op)")
    done
    o=$(printf '%s\n' "${os[@]}" | median)
    u=$(printf '%s\n' "${us[@]}" | median)
}
