/* SPDX-License-Identifier: MIT */
/*
 * libvirt (optional for cvm: `cvm vm --backend libvirt`): is it
 * installed, which version, and does the daemon on qemu:///system see
 * SEV?  Asked through the libvirt C API like virsh's nodesevinfo and
 * domcapabilities do (virNodeGetSEVInfo, virConnectGetDomainCapabilities;
 * launch-and-host.md §4.4), over the ops table so that facts files
 * replay it.  libvirt refuses both calls on a read-only connection
 * ("read only access prevents virNodeGetSEVInfo"), so the connection is
 * a normal one; the check only reads.  Nothing here gates a level.
 */
#include <stdlib.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "host-priv.h"

#define LIBVIRT_URI	   "qemu:///system"
#define VERSION_TIMEOUT_MS 10000

/* A failed connection: why the two queries below cannot be asked. */
static void
connect_failed(struct hc *h, int c, int r, const struct cvm_host_libvirt *lv)
{
	if (r == -ECONNREFUSED)
		check_set(h, c, CVM_CHECK_SKIP, "systemctl start libvirtd",
			  "libvirtd is not running (nothing answers on %s)",
			  LIBVIRT_URI);
	else if (r == -EACCES)
		check_set(h, c, CVM_CHECK_SKIP,
			  "run as root or as a member of the libvirt group",
			  "libvirt refused the connection to %s (permission "
			  "denied)",
			  LIBVIRT_URI);
	else
		check_op_failed(h, c, r,
				r == -EOPNOTSUPP ? CVM_CHECK_SKIP
						 : CVM_CHECK_WARN,
				NULL, LIBVIRT_URI);
	if (lv->why[0])
		check_evidence(h, c, "%s", lv->why);
}

/* One query's answer (`what` names the call) as check `c`. */
static void
sev_answer(struct hc *h, int c, const char *what, int rc,
	   const struct cvm_virt_sev_caps *s, const char *version)
{
	if (rc < 0) {
		check_op_failed(h, c, rc, CVM_CHECK_WARN, NULL, what);
		if (s->why[0])
			check_evidence(h, c, "%s", s->why);
		return;
	}
	if (!s->supported) {
		check_evidence(h, c, "%s on %s (libvirt %s): %s", what,
			       LIBVIRT_URI, version, s->why);
		check_set(h, c, CVM_CHECK_WARN, NULL,
			  "libvirt finds no SEV: it would refuse "
			  "<launchSecurity type='sev'> (%s)",
			  s->why);
		return;
	}
	check_evidence(h, c,
		       "%s on %s (libvirt %s): cbitpos=%u reducedPhysBits=%u "
		       "maxGuests=%u maxESGuests=%u",
		       what, LIBVIRT_URI, version, s->cbitpos,
		       s->reduced_phys_bits, s->max_guests, s->max_es_guests);
	if (h->r->have_cbit && s->cbitpos != h->r->cbitpos) {
		check_set(h, c, CVM_CHECK_WARN, NULL,
			  "libvirt reports C-bit %u, CPUID 0x8000001F says %u",
			  s->cbitpos, h->r->cbitpos);
		return;
	}
	check_set(h, c, CVM_CHECK_OK, NULL,
		  "SEV supported: C-bit %u, %u SEV guests, %u SEV-ES guests",
		  s->cbitpos, s->max_guests, s->max_es_guests);
}

static void
libvirt_sev(struct hc *h, int parent)
{
	struct cvm_host_libvirt lv;
	int node, caps, r = -EOPNOTSUPP;

	if (!check_open(h, &node, parent, parent, "libvirt.sev",
			"libvirt reports SEV (virNodeGetSEVInfo)", G_NONE))
		return;
	if (h->opts.skip_libvirt) {
		check_set(h, node, CVM_CHECK_SKIP, NULL,
			  "not asked (--no-libvirt)");
		return;
	}
	memset(&lv, 0, sizeof(lv));
	if (h->src->ops->libvirt)
		r = h->src->ops->libvirt(h->src->ctx, LIBVIRT_URI, &lv);
	if (r < 0)
		connect_failed(h, node, r, &lv);
	else
		sev_answer(h, node, "virNodeGetSEVInfo", lv.node_rc, &lv.node,
			   lv.version);
	if (!check_open(h, &caps, parent, r < 0 ? node : parent,
			"libvirt.domcaps",
			"Domain capabilities report SEV (q35, kvm)", G_NONE))
		return;
	sev_answer(h, caps, "domain capabilities", lv.domcaps_rc, &lv.domcaps,
		   lv.version);
}

void
checks_libvirt(struct hc *h)
{
	cleanup_buf struct cvm_buf path = CVM_BUF_INIT;
	struct cvm_host_run res = CVM_HOST_RUN_INIT;
	const char *argv[3] = {NULL, "--version", NULL};
	unsigned v[3] = {0, 0, 0};
	int l, c, r;

	check_open(h, &l, -1, -1, "libvirt", "libvirt (optional)", G_NONE);
	r = h->src->ops->find_program(h->src->ctx, "libvirtd", &path);
	if (r == -ENOENT)
		r = h->src->ops->find_program(h->src->ctx, "virtqemud", &path);
	if (r == 0) {
		argv[0] = cvm_buf_str(&path);
		r = h->src->ops->run(h->src->ctx, argv, VERSION_TIMEOUT_MS,
				     &res);
	}
	if (r < 0 || res.status != 0 ||
	    !host_parse_version(cvm_buf_str(&res.out), NULL, v)) {
		if (r < 0)
			check_op_failed(h, l, r, CVM_CHECK_SKIP,
					"apt-get install libvirt-daemon-system",
					"libvirtd");
		else
			check_set(h, l, CVM_CHECK_SKIP, NULL,
				  "'%s --version' gave no version", argv[0]);
		cvm_host_run_release(&res);
		return;
	}
	cvm_host_run_release(&res);
	h->r->libvirt_version = cvm_xasprintf("%u.%u.%u", v[0], v[1], v[2]);
	check_evidence(h, l, "%s --version: %s", argv[0],
		       h->r->libvirt_version);
	check_set(h, l, CVM_CHECK_OK, NULL, "libvirt %s",
		  h->r->libvirt_version);
	libvirt_sev(h, l);
	if (!check_open(h, &c, l, l, "libvirt.snp",
			"libvirt >= 10.5 (SEV-SNP domains)", G_NONE))
		return;
	check_evidence(h, c, "libvirt %s", h->r->libvirt_version);
	if (host_version_ge(v, 10, 5, 0))
		check_set(h, c, CVM_CHECK_OK, NULL, "yes");
	else
		check_set(h, c, CVM_CHECK_WARN, NULL,
			  "libvirt %s cannot describe SEV-SNP guests "
			  "(<launchSecurity type='sev-snp'> needs 10.5)",
			  h->r->libvirt_version);
}
