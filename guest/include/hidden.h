/* SPDX-License-Identifier: MIT */
/*
 * Force-included into every guest C file (-include): all symbols,
 * declarations included, have hidden visibility.  The kernel is one
 * static image, so the compiler may reach every symbol PC-relatively.
 * Without this, clang -fpie reaches extern data through the GOT, and
 * GOT relocations do not survive ld's PE (i386pep) output.
 */
#pragma GCC visibility push(hidden)
