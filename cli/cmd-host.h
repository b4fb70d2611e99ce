/* SPDX-License-Identifier: MIT */
/* Shared by the `cvm host` verbs: printing a host report for people. */
#ifndef CVM_CLI_CMD_HOST_H
#define CVM_CLI_CMD_HOST_H

#include <stdbool.h>

#include "cvm/host.h"

/* The checks as a tree; evidence and fix for problems (all with verbose). */
void host_print_tree(const struct cvm_host_report *r, bool verbose);
/* The verdict: the highest level and what blocks each level. */
void host_print_verdict(const struct cvm_host_report *r);

#endif
