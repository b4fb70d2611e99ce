/* SPDX-License-Identifier: MIT */
/*
 * inspect and list: domain state (virDomainGetState), the definition's
 * protection (its <launchSecurity>), and for a running SEV guest the
 * launch measurement (virDomainGetLaunchSecurityInfo, libvirt >= 4.5;
 * keys "sev-measurement", "sev-api-major", "sev-api-minor",
 * "sev-build-id").  See cvm/virt.h.
 */
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "cvm/cleanup.h"
#include "cvm/log.h"
#include "cvm/virt.h"
#include "virt-priv.h"

static const char *
state_name(int state)
{
	switch (state) {
	case VIR_DOMAIN_RUNNING:
		return "running";
	case VIR_DOMAIN_BLOCKED:
		return "blocked";
	case VIR_DOMAIN_PAUSED:
		return "paused";
	case VIR_DOMAIN_SHUTDOWN:
		return "shutting-down";
	case VIR_DOMAIN_SHUTOFF:
		return "shutoff";
	case VIR_DOMAIN_CRASHED:
		return "crashed";
	case VIR_DOMAIN_PMSUSPENDED:
		return "pmsuspended";
	default:
		return "unknown";
	}
}

static const char *
reason_name(int state, int reason)
{
	if (state == VIR_DOMAIN_SHUTOFF) {
		switch (reason) {
		case VIR_DOMAIN_SHUTOFF_SHUTDOWN:
			return "shutdown";
		case VIR_DOMAIN_SHUTOFF_DESTROYED:
			return "destroyed";
		case VIR_DOMAIN_SHUTOFF_CRASHED:
			return "crashed";
		case VIR_DOMAIN_SHUTOFF_FAILED:
			return "failed";
		case VIR_DOMAIN_SHUTOFF_DAEMON:
			return "daemon";
		default:
			return "";
		}
	}
	if (state == VIR_DOMAIN_PAUSED) {
		switch (reason) {
		case VIR_DOMAIN_PAUSED_USER:
			return "user";
		case VIR_DOMAIN_PAUSED_STARTING_UP:
			return "starting-up";
		case VIR_DOMAIN_PAUSED_SHUTTING_DOWN:
			return "shutting-down";
		case VIR_DOMAIN_PAUSED_CRASHED:
			return "crashed";
		default:
			return "";
		}
	}
	if (state == VIR_DOMAIN_RUNNING && reason == VIR_DOMAIN_RUNNING_BOOTED)
		return "booted";
	if (state == VIR_DOMAIN_RUNNING &&
	    reason == VIR_DOMAIN_RUNNING_UNPAUSED)
		return "unpaused";
	return "";
}

void
cvm_virt_dominfo_release(struct cvm_virt_dominfo *d)
{
	free(d->uri);
	free(d->name);
	memset(d, 0, sizeof(*d));
}

/* The measurement of a running SEV/SEV-ES guest.  A non-SEV domain
 * answers with no parameters; SNP guests have no launch measurement
 * here (they attest from inside). */
static void
launch_info(virDomainPtr d, struct cvm_virt_dominfo *o)
{
	virTypedParameterPtr params = NULL;
	const char *m = NULL;
	int n = 0;

	if (virDomainGetLaunchSecurityInfo(d, &params, &n, 0) < 0) {
		cvm_log(CVM_LOG_WARN, "'%s': no launch security info: %s",
			o->name, virGetLastErrorMessage());
		virResetLastError();
		return;
	}
	if (virTypedParamsGetString(params, n,
				    VIR_DOMAIN_LAUNCH_SECURITY_SEV_MEASUREMENT,
				    &m) == 1 &&
	    m && strlen(m) < sizeof(o->measurement)) {
		strcpy(o->measurement, m);
		o->has_measurement = true;
	}
	virTypedParamsGetUInt(params, n,
			      VIR_DOMAIN_LAUNCH_SECURITY_SEV_API_MAJOR,
			      &o->api_major);
	virTypedParamsGetUInt(params, n,
			      VIR_DOMAIN_LAUNCH_SECURITY_SEV_API_MINOR,
			      &o->api_minor);
	virTypedParamsGetUInt(params, n,
			      VIR_DOMAIN_LAUNCH_SECURITY_SEV_BUILD_ID,
			      &o->build_id);
	virTypedParamsFree(params, n);
}

static int
fill_info(struct cvm_virt_conn *c, virDomainPtr d, struct cvm_virt_dominfo *o,
	  struct cvm_err *err)
{
	cleanup_free char *xml = NULL;
	struct virt_domxml_facts f;
	virDomainInfo info;
	unsigned int id;
	int state = 0, reason = 0, r;

	memset(o, 0, sizeof(*o));
	o->uri = cvm_xstrdup(cvm_virt_uri(c));
	o->name = cvm_xstrdup(virDomainGetName(d));
	if (virDomainGetUUIDString(d, o->uuid) < 0)
		o->uuid[0] = '\0';
	if (virDomainGetState(d, &state, &reason, 0) < 0 ||
	    virDomainGetInfo(d, &info) < 0)
		return virt_fail(err, "state of '%s' on '%s'", o->name,
				 cvm_virt_uri(c));
	/* the id in a domain handle can outlive the guest by a moment */
	id = virDomainGetID(d);
	o->id = id == (unsigned int)-1 || virDomainIsActive(d) != 1 ? -1
								    : (int)id;
	o->state = state_name(state);
	o->reason = reason_name(state, reason);
	o->persistent = virDomainIsPersistent(d) == 1;
	o->vcpus = info.nrVirtCpu;
	o->memory_kib = info.maxMem;
	xml = virDomainGetXMLDesc(d, 0);
	if (!xml)
		return virt_fail(err, "definition of '%s' on '%s'", o->name,
				 cvm_virt_uri(c));
	r = virt_domxml_facts(xml, &f, err);
	if (r < 0)
		return cvm_err_prefix(err, "'%s' on '%s'", o->name,
				      cvm_virt_uri(c));
	o->protection = f.protection;
	o->policy = f.policy;
	o->kvm = f.kvm;
	o->cvm = f.cvm;
	if (o->id >= 0 &&
	    (f.protection == CVM_PROT_SEV || f.protection == CVM_PROT_SEV_ES))
		launch_info(d, o);
	virResetLastError();
	return 0;
}

int
cvm_virt_inspect(struct cvm_virt_conn *c, const char *name,
		 struct cvm_virt_dominfo *out, struct cvm_err *err)
{
	cleanup_dom virDomainPtr d = NULL;
	int r = virt_lookup(c, name, &d, err);

	if (r < 0)
		return r;
	r = fill_info(c, d, out, err);
	if (r < 0)
		cvm_virt_dominfo_release(out);
	return r;
}

static int
by_name(const void *a, const void *b)
{
	const struct cvm_virt_dominfo *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int
cvm_virt_list_conn(struct cvm_virt_conn *c, struct cvm_virt_dominfo **out,
		   size_t *n, struct cvm_err *err)
{
	virDomainPtr *doms = NULL;
	struct cvm_virt_dominfo *info;
	size_t got = 0;
	int count, r = 0;

	count = virConnectListAllDomains(virt_conn_ptr(c), &doms, 0);
	if (count < 0)
		return virt_fail(err, "list the domains on '%s'",
				 cvm_virt_uri(c));
	info = cvm_xcalloc((size_t)count + 1, sizeof(*info));
	for (int i = 0; i < count; i++) {
		struct cvm_err e = CVM_ERR_INIT;
		int fr = r < 0 ? 0 : fill_info(c, doms[i], &info[got], &e);

		/* a domain undefined meanwhile is skipped, not an error */
		if (r == 0 && fr == 0) {
			got++;
		} else if (fr < 0) {
			cvm_virt_dominfo_release(&info[got]);
			if (fr != -ENOENT && err)
				*err = e;
			if (fr != -ENOENT)
				r = fr;
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	if (r < 0) {
		for (size_t i = 0; i < got; i++)
			cvm_virt_dominfo_release(&info[i]);
		free(info);
		return r;
	}
	qsort(info, got, sizeof(*info), by_name);
	*out = info;
	*n = got;
	return 0;
}

int
cvm_virt_list(const char *const *uris, size_t nuris,
	      struct cvm_virt_host_list **out, struct cvm_err *err)
{
	struct cvm_virt_host_list *l = cvm_xcalloc(nuris, sizeof(*l));
	size_t ok = 0;

	for (size_t i = 0; i < nuris; i++) {
		struct cvm_err e = CVM_ERR_INIT;
		struct cvm_virt_conn *c = NULL;
		int r;

		l[i].uri = cvm_xstrdup(uris[i]);
		r = cvm_virt_open(uris[i], &c, &e);
		if (r == 0)
			r = cvm_virt_list_conn(c, &l[i].doms, &l[i].ndoms, &e);
		cvm_virt_close(c);
		l[i].code = r;
		if (r < 0)
			memcpy(l[i].error, e.msg, sizeof(l[i].error));
		else
			ok++;
	}
	*out = l;
	if (!ok && nuris)
		return cvm_err_set(err, l[0].code, "%s", l[0].error);
	return 0;
}

void
cvm_virt_host_list_free(struct cvm_virt_host_list *l, size_t n)
{
	if (!l)
		return;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < l[i].ndoms; j++)
			cvm_virt_dominfo_release(&l[i].doms[j]);
		free(l[i].doms);
		free(l[i].uri);
	}
	free(l);
}
