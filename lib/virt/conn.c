/* SPDX-License-Identifier: MIT */
/*
 * Connections and the domain lifecycle through the libvirt C API
 * (libvirt-host.h, libvirt-domain.h), see cvm/virt.h.  libvirt reports
 * errors in a thread-local "last error"; virt_fail() turns it into a
 * cvm_err right after the failing call.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "cvm/cleanup.h"
#include "cvm/log.h"
#include "cvm/util.h"
#include "cvm/virt.h"
#include "virt-priv.h"

struct cvm_virt_conn {
	virConnectPtr conn;
	char *uri;
	unsigned long version, hv_version;
};

/* The library never prints: without this handler libvirt writes every
 * error to stderr itself ("libvirt: QEMU Driver error : ..."). */
static void
quiet_errors(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

static pthread_once_t virt_once = PTHREAD_ONCE_INIT;
static int virt_init_rc;

static void
virt_init_once(void)
{
	virSetErrorFunc(NULL, quiet_errors);
	virt_init_rc = virInitialize();
	/* an event loop must exist before a connection is opened for
	 * console streams to get events (remote driver) */
	if (virt_init_rc == 0)
		virt_init_rc = virEventRegisterDefaultImpl();
}

int
cvm_virt_open(const char *uri, struct cvm_virt_conn **out, struct cvm_err *err)
{
	struct cvm_virt_conn *c;
	char *canon;
	int r = virt_dl_load(err);

	if (r < 0)
		return r;
	pthread_once(&virt_once, virt_init_once);
	if (virt_init_rc < 0)
		return virt_fail(err, "initialise libvirt");
	c = cvm_xcalloc(1, sizeof(*c));
	c->conn = virConnectOpen(uri);
	if (!c->conn) {
		free(c);
		return virt_fail(err, "connect to '%s'",
				 uri ? uri : "(libvirt's default URI)");
	}
	virConnSetErrorFunc(c->conn, NULL, quiet_errors);
	canon = virConnectGetURI(c->conn);
	c->uri = cvm_xstrdup(uri ? uri : canon ? canon : "");
	free(canon);
	if (virConnectGetLibVersion(c->conn, &c->version) < 0)
		c->version = 0;
	if (virConnectGetVersion(c->conn, &c->hv_version) < 0)
		c->hv_version = 0;
	virResetLastError();
	*out = c;
	return 0;
}

void
cvm_virt_close(struct cvm_virt_conn *c)
{
	if (!c)
		return;
	virConnectClose(c->conn);
	free(c->uri);
	free(c);
}

const char *
cvm_virt_uri(const struct cvm_virt_conn *c)
{
	return c->uri;
}

unsigned long
cvm_virt_daemon_version(const struct cvm_virt_conn *c)
{
	return c->version;
}

unsigned long
cvm_virt_hv_version(const struct cvm_virt_conn *c)
{
	return c->hv_version;
}

virConnectPtr
virt_conn_ptr(struct cvm_virt_conn *c)
{
	return c->conn;
}

int
virt_lookup(struct cvm_virt_conn *c, const char *name, virDomainPtr *out,
	    struct cvm_err *err)
{
	virErrorPtr e;

	*out = virDomainLookupByName(c->conn, name);
	if (*out)
		return 0;
	e = virGetLastError();
	if (e && e->code == VIR_ERR_NO_DOMAIN) {
		virResetLastError();
		return cvm_err_set(err, -ENOENT, "no domain named '%s' on '%s'",
				   name, c->uri);
	}
	return virt_fail(err, "look up '%s' on '%s'", name, c->uri);
}

void
virt_dom_freep(virDomainPtr *d)
{
	if (*d)
		virDomainFree(*d);
}

/* Define, with libvirt checking the XML against its schema first. */
static int
define(struct cvm_virt_conn *c, const char *xml, const char *what,
       char **name_out, struct cvm_err *err)
{
	cleanup_dom virDomainPtr d = NULL;

	d = virDomainDefineXMLFlags(c->conn, xml, VIR_DOMAIN_DEFINE_VALIDATE);
	if (!d)
		return virt_fail(err, "%s on '%s'", what, c->uri);
	if (name_out)
		*name_out = cvm_xstrdup(virDomainGetName(d));
	return 0;
}

int
cvm_virt_define_xml(struct cvm_virt_conn *c, const char *xml, char **name_out,
		    struct cvm_err *err)
{
	return define(c, xml, "define a domain", name_out, err);
}

int
cvm_virt_create(struct cvm_virt_conn *c, const struct cvm_vmspec *spec,
		unsigned xml_flags, struct cvm_err *err)
{
	cleanup_buf struct cvm_buf xml = CVM_BUF_INIT;
	cleanup_dom virDomainPtr old = NULL;
	cleanup_free char *what = NULL;
	unsigned long v = c->version;
	int r;

	/* an unknown daemon version gets the oldest XML we can write */
	r = cvm_virt_domain_xml(spec, v ? v : CVM_VIRT_VERSION(8, 0, 0),
				xml_flags, &xml, err);
	if (r < 0)
		return r;
	old = virDomainLookupByName(c->conn, spec->name);
	virResetLastError();
	if (old)
		return cvm_err_set(err, -EEXIST,
				   "a domain named '%s' already exists on '%s'",
				   spec->name, c->uri);
	what = cvm_xasprintf("create '%s'", spec->name);
	r = define(c, cvm_buf_str(&xml), what, NULL, err);
	if (r < 0)
		return r;
	cvm_log(CVM_LOG_INFO, "defined '%s' on '%s'", spec->name, c->uri);
	return 0;
}

int
cvm_virt_start(struct cvm_virt_conn *c, const char *name, bool paused,
	       struct cvm_err *err)
{
	cleanup_dom virDomainPtr d = NULL;
	int r = virt_lookup(c, name, &d, err);

	if (r < 0)
		return r;
	if (virDomainCreateWithFlags(d, paused ? VIR_DOMAIN_START_PAUSED : 0) <
	    0)
		return virt_fail(err, "start '%s' on '%s'", name, c->uri);
	return 0;
}

int
cvm_virt_resume(struct cvm_virt_conn *c, const char *name, struct cvm_err *err)
{
	cleanup_dom virDomainPtr d = NULL;
	int r = virt_lookup(c, name, &d, err);

	if (r < 0)
		return r;
	if (virDomainResume(d) < 0)
		return virt_fail(err, "resume '%s' on '%s'", name, c->uri);
	return 0;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

int
cvm_virt_stop(struct cvm_virt_conn *c, const char *name, int timeout_ms,
	      bool *forced, struct cvm_err *err)
{
	cleanup_dom virDomainPtr d = NULL;
	uint64_t deadline;
	int r;

	if (forced)
		*forced = false;
	r = virt_lookup(c, name, &d, err);
	if (r < 0)
		return r;
	if (virDomainIsActive(d) != 1) {
		virResetLastError();
		return 0;
	}
	/* ACPI power button; a guest without ACPI handling ignores it,
	 * and a paused one cannot react: both end in destroy */
	if (virDomainShutdown(d) < 0) {
		cvm_log(CVM_LOG_DEBUG, "shutdown '%s' refused: %s", name,
			virGetLastErrorMessage());
		virResetLastError();
	}
	deadline = cvm_now_ns() +
		   (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000ull;
	while (virDomainIsActive(d) == 1 && cvm_now_ns() < deadline)
		sleep_ms(100);
	if (virDomainIsActive(d) != 1) {
		virResetLastError();
		return 0;
	}
	if (virDomainDestroy(d) < 0 && virDomainIsActive(d) == 1)
		return virt_fail(err, "destroy '%s' on '%s'", name, c->uri);
	virResetLastError();
	if (forced)
		*forced = true;
	return 0;
}

int
cvm_virt_kill(struct cvm_virt_conn *c, const char *name, struct cvm_err *err)
{
	cleanup_dom virDomainPtr d = NULL;
	int r = virt_lookup(c, name, &d, err);

	if (r < 0)
		return r;
	if (virDomainIsActive(d) != 1) {
		virResetLastError();
		return cvm_err_set(err, -CVM_E_STATE,
				   "'%s' on '%s' is not running", name, c->uri);
	}
	if (virDomainDestroy(d) < 0)
		return virt_fail(err, "destroy '%s' on '%s'", name, c->uri);
	return 0;
}

/* Undefine with the NVRAM file; drivers that do not know the flag (the
 * test driver, old ones) get a plain undefine. */
static int
undefine(struct cvm_virt_conn *c, virDomainPtr d, const char *name,
	 struct cvm_err *err)
{
	virErrorPtr e;

	if (virDomainUndefineFlags(d, VIR_DOMAIN_UNDEFINE_NVRAM) == 0)
		return 0;
	e = virGetLastError();
	if (e && (e->code == VIR_ERR_NO_SUPPORT ||
		  (e->code == VIR_ERR_INVALID_ARG && e->message &&
		   strstr(e->message, "unsupported flags")))) {
		virResetLastError();
		if (virDomainUndefine(d) == 0)
			return 0;
	}
	return virt_fail(err, "undefine '%s' on '%s'", name, c->uri);
}

int
cvm_virt_delete(struct cvm_virt_conn *c, const char *name, struct cvm_err *err)
{
	cleanup_dom virDomainPtr d = NULL;
	int persistent;
	int r = virt_lookup(c, name, &d, err);

	if (r < 0)
		return r;
	persistent = virDomainIsPersistent(d);
	if (virDomainIsActive(d) == 1 && virDomainDestroy(d) < 0 &&
	    virDomainIsActive(d) == 1)
		return virt_fail(err, "destroy '%s' on '%s'", name, c->uri);
	virResetLastError();
	/* a transient domain is gone once it stops */
	if (persistent != 1)
		return 0;
	return undefine(c, d, name, err);
}
