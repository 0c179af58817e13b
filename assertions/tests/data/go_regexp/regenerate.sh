#!/bin/sh
# Regenerates golden.jsonl, Go 1.19's answers for the go_regexp differential test.
set -eu
cd "$(dirname "$0")"
go run gen.go > golden.jsonl
