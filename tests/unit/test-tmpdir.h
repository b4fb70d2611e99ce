/* SPDX-License-Identifier: MIT */
/*
 * A test program's scratch folder: a mkdtemp() template made in the
 * cmocka group setup and removed, with everything in it, in the group
 * teardown (through cvm_rmtree(): no shell, no symlink followed).
 */
#ifndef CVM_TEST_TMPDIR_H
#define CVM_TEST_TMPDIR_H

#include <stdlib.h>

#include "cvm/util.h"

/* deeper than any tree a test builds (OCI root filesystems included) */
#define TEST_TREE_DEPTH 64

static inline int
test_tmpdir_make(char *template_)
{
	return mkdtemp(template_) ? 0 : -1;
}

static inline int
test_tmpdir_remove(const char *dir)
{
	return cvm_rmtree(dir, TEST_TREE_DEPTH, NULL) < 0 ? -1 : 0;
}

#endif
