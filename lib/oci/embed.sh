#!/bin/sh
# SPDX-License-Identifier: MIT
# embed.sh IN OUT: wrap the agent program IN into the object file OUT as
# read-only data with the symbols _binary_cvm_agent_start/_end, whatever
# IN's path is (objcopy names the symbols after its input file name).
set -eu
in=$1
out=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$in" "$tmp/cvm_agent"
cd "$tmp"
: >empty
objcopy -I binary -O elf64-x86-64 -B i386:x86-64 \
	--rename-section .data=.rodata,alloc,load,readonly,data,contents \
	--add-section .note.GNU-stack=empty \
	--set-section-flags .note.GNU-stack=readonly \
	cvm_agent "$out"
