/* SPDX-License-Identifier: MIT */
/* lib/guestio internals shared by its files (not a public API). */
#ifndef CVM_GUESTIO_PRIV_H
#define CVM_GUESTIO_PRIV_H

#include "cvm/guestio.h"

/* Move the parser's record into `out` (released first); the parser's
 * record is empty afterwards. */
void cvm_guestio_take_record(struct cvm_guestio *p,
			     struct cvm_guest_record *out);

#endif
