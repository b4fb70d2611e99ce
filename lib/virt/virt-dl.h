/* SPDX-License-Identifier: MIT */
/*
 * libvirt is loaded when lib/virt first needs it (dlopen of libvirt.so.0
 * in cvm_virt_open()), not when a program starts.  Linking it pulls in
 * some 50 libraries (GLib, GnuTLS, curl, libssh, ICU...) whose loading
 * and constructors cost every cvm and cvm-oci process 7-17 ms on the
 * development VM, `cvm measure --version` as much as `cvm vm create`.
 *
 * Every libvirt function lib/virt calls is a pointer in `virt_dl`, filled
 * by virt_dl_load(); the macros below turn the usual calls into calls
 * through those pointers, so the code reads as plain libvirt.  A
 * function lib/virt starts to call must be added to VIRT_DL_FUNCS (the
 * build fails until it is: the macro is what makes the name resolve).
 * Included last by virt-priv.h, after the libvirt headers.
 */
#ifndef CVM_VIRT_DL_H
#define CVM_VIRT_DL_H

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "cvm/err.h"

/* The soname of the libvirt the headers describe (libvirt0). */
#define VIRT_DL_SONAME "libvirt.so.0"

#define VIRT_DL_FUNCS(X)                      \
	X(virConnSetErrorFunc)                \
	X(virConnectClose)                    \
	X(virConnectDomainEventDeregisterAny) \
	X(virConnectDomainEventRegisterAny)   \
	X(virConnectGetDomainCapabilities)    \
	X(virConnectGetLibVersion)            \
	X(virConnectGetURI)                   \
	X(virConnectGetVersion)               \
	X(virConnectListAllDomains)           \
	X(virConnectOpen)                     \
	X(virDomainCreateWithFlags)           \
	X(virDomainDefineXMLFlags)            \
	X(virDomainDestroy)                   \
	X(virDomainFree)                      \
	X(virDomainGetID)                     \
	X(virDomainGetInfo)                   \
	X(virDomainGetLaunchSecurityInfo)     \
	X(virDomainGetName)                   \
	X(virDomainGetState)                  \
	X(virDomainGetUUIDString)             \
	X(virDomainGetXMLDesc)                \
	X(virDomainIsActive)                  \
	X(virDomainIsPersistent)              \
	X(virDomainLookupByName)              \
	X(virDomainOpenConsole)               \
	X(virDomainResume)                    \
	X(virDomainShutdown)                  \
	X(virDomainUndefine)                  \
	X(virDomainUndefineFlags)             \
	X(virEventAddHandle)                  \
	X(virEventAddTimeout)                 \
	X(virEventRegisterDefaultImpl)        \
	X(virEventRemoveHandle)               \
	X(virEventRemoveTimeout)              \
	X(virEventRunDefaultImpl)             \
	X(virEventUpdateHandle)               \
	X(virGetLastError)                    \
	X(virGetLastErrorMessage)             \
	X(virInitialize)                      \
	X(virNodeGetSEVInfo)                  \
	X(virResetLastError)                  \
	X(virSetErrorFunc)                    \
	X(virStreamAbort)                     \
	X(virStreamEventAddCallback)          \
	X(virStreamEventRemoveCallback)       \
	X(virStreamEventUpdateCallback)       \
	X(virStreamFinish)                    \
	X(virStreamFree)                      \
	X(virStreamNew)                       \
	X(virStreamRecv)                      \
	X(virStreamSend)                      \
	X(virTypedParamsFree)                 \
	X(virTypedParamsGetString)            \
	X(virTypedParamsGetUInt)

struct virt_dl_table {
#define VIRT_DL_FIELD(f) __typeof__(f) *f;
	VIRT_DL_FUNCS(VIRT_DL_FIELD)
#undef VIRT_DL_FIELD
};

extern struct virt_dl_table virt_dl;

/*
 * Load libvirt and every function above, once per process (thread-safe).
 * -CVM_E_UNSUPPORTED naming the library and dlerror()'s reason when it
 * cannot be loaded; the same answer on every later call.
 */
int virt_dl_load(struct cvm_err *err);

#ifndef VIRT_DL_NO_MACROS
#define virConnSetErrorFunc (*virt_dl.virConnSetErrorFunc)
#define virConnectClose	    (*virt_dl.virConnectClose)
#define virConnectDomainEventDeregisterAny \
	(*virt_dl.virConnectDomainEventDeregisterAny)
#define virConnectDomainEventRegisterAny \
	(*virt_dl.virConnectDomainEventRegisterAny)
#define virConnectGetDomainCapabilities \
	(*virt_dl.virConnectGetDomainCapabilities)
#define virConnectGetLibVersion	       (*virt_dl.virConnectGetLibVersion)
#define virConnectGetURI	       (*virt_dl.virConnectGetURI)
#define virConnectGetVersion	       (*virt_dl.virConnectGetVersion)
#define virConnectListAllDomains       (*virt_dl.virConnectListAllDomains)
#define virConnectOpen		       (*virt_dl.virConnectOpen)
#define virDomainCreateWithFlags       (*virt_dl.virDomainCreateWithFlags)
#define virDomainDefineXMLFlags	       (*virt_dl.virDomainDefineXMLFlags)
#define virDomainDestroy	       (*virt_dl.virDomainDestroy)
#define virDomainFree		       (*virt_dl.virDomainFree)
#define virDomainGetID		       (*virt_dl.virDomainGetID)
#define virDomainGetInfo	       (*virt_dl.virDomainGetInfo)
#define virDomainGetLaunchSecurityInfo (*virt_dl.virDomainGetLaunchSecurityInfo)
#define virDomainGetName	       (*virt_dl.virDomainGetName)
#define virDomainGetState	       (*virt_dl.virDomainGetState)
#define virDomainGetUUIDString	       (*virt_dl.virDomainGetUUIDString)
#define virDomainGetXMLDesc	       (*virt_dl.virDomainGetXMLDesc)
#define virDomainIsActive	       (*virt_dl.virDomainIsActive)
#define virDomainIsPersistent	       (*virt_dl.virDomainIsPersistent)
#define virDomainLookupByName	       (*virt_dl.virDomainLookupByName)
#define virDomainOpenConsole	       (*virt_dl.virDomainOpenConsole)
#define virDomainResume		       (*virt_dl.virDomainResume)
#define virDomainShutdown	       (*virt_dl.virDomainShutdown)
#define virDomainUndefine	       (*virt_dl.virDomainUndefine)
#define virDomainUndefineFlags	       (*virt_dl.virDomainUndefineFlags)
#define virEventAddHandle	       (*virt_dl.virEventAddHandle)
#define virEventAddTimeout	       (*virt_dl.virEventAddTimeout)
#define virEventRegisterDefaultImpl    (*virt_dl.virEventRegisterDefaultImpl)
#define virEventRemoveHandle	       (*virt_dl.virEventRemoveHandle)
#define virEventRemoveTimeout	       (*virt_dl.virEventRemoveTimeout)
#define virEventRunDefaultImpl	       (*virt_dl.virEventRunDefaultImpl)
#define virEventUpdateHandle	       (*virt_dl.virEventUpdateHandle)
#define virGetLastError		       (*virt_dl.virGetLastError)
#define virGetLastErrorMessage	       (*virt_dl.virGetLastErrorMessage)
#define virInitialize		       (*virt_dl.virInitialize)
#define virNodeGetSEVInfo	       (*virt_dl.virNodeGetSEVInfo)
#define virResetLastError	       (*virt_dl.virResetLastError)
#define virSetErrorFunc		       (*virt_dl.virSetErrorFunc)
#define virStreamAbort		       (*virt_dl.virStreamAbort)
#define virStreamEventAddCallback      (*virt_dl.virStreamEventAddCallback)
#define virStreamEventRemoveCallback   (*virt_dl.virStreamEventRemoveCallback)
#define virStreamEventUpdateCallback   (*virt_dl.virStreamEventUpdateCallback)
#define virStreamFinish		       (*virt_dl.virStreamFinish)
#define virStreamFree		       (*virt_dl.virStreamFree)
#define virStreamNew		       (*virt_dl.virStreamNew)
#define virStreamRecv		       (*virt_dl.virStreamRecv)
#define virStreamSend		       (*virt_dl.virStreamSend)
#define virTypedParamsFree	       (*virt_dl.virTypedParamsFree)
#define virTypedParamsGetString	       (*virt_dl.virTypedParamsGetString)
#define virTypedParamsGetUInt	       (*virt_dl.virTypedParamsGetUInt)
#endif

#endif
