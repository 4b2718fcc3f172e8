# bench/pairs.sh: the timing loop bench/sbom.sh and bench/vuln.sh share;
# source it after defining CMD (an associative array: name -> command)
# and WORK.
#
#   once NAME [OUT]   one run of CMD[NAME] under /usr/bin/time, its
#                     standard output to OUT (default /dev/null); prints
#                     "wall_s rss_mib". Exit status 1 counts as a run when
#                     OK_EXIT1=1 (scanners exit 1 for findings).
#   pair A B          A and B once each to warm up (B's output kept in
#                     $WORK/B.json), then RUNS rounds alternating them run
#                     by run; appends a table row of their median wall
#                     time and peak RSS and the ratio B/A to $PAIRS.
RUNS=${RUNS:-5}
OK_EXIT1=${OK_EXIT1:-0}
PAIRS=${PAIRS:-$WORK/pairs.md}

once() {
	local out=${2:-/dev/null} rc=0
	# shellcheck disable=SC2086
	/usr/bin/time -f "%e %M" -o "$WORK/time.txt" ${CMD[$1]} >"$out" 2>"$WORK/stderr.txt" || rc=$?
	if [ "$rc" -ne 0 ] && ! { [ "$rc" -eq 1 ] && [ "$OK_EXIT1" = 1 ]; }; then
		cat "$WORK/stderr.txt" >&2
		return 1
	fi
	# time(1) prefixes "Command exited with non-zero status N" then.
	tail -1 "$WORK/time.txt" | awk '{printf "%s %.0f\n", $1, $2/1024}'
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

pair() {
	local a=$1 b=$2 r
	echo "bench: $a vs $b: warm-up, then $RUNS alternated rounds" >&2
	once "$a" >/dev/null
	once "$b" "$WORK/$b.json" >/dev/null
	: >"$WORK/$a.runs"
	: >"$WORK/$b.runs"
	for r in $(seq "$RUNS"); do
		once "$a" >>"$WORK/$a.runs"
		once "$b" >>"$WORK/$b.runs"
	done
	local aw ar bw br
	aw=$(cut -d' ' -f1 "$WORK/$a.runs" | median) ar=$(cut -d' ' -f2 "$WORK/$a.runs" | median)
	bw=$(cut -d' ' -f1 "$WORK/$b.runs" | median) br=$(cut -d' ' -f2 "$WORK/$b.runs" | median)
	awk -v a="$a" -v b="$b" -v aw="$aw" -v ar="$ar" -v bw="$bw" -v br="$br" \
		'BEGIN {printf "| `%s` | %.2f s, %d MiB | `%s` | %.2f s, %d MiB | **%.2fx** |\n", a, aw, ar, b, bw, br, (aw > 0 ? bw / aw : 0)}' | tee -a "$PAIRS"
}
