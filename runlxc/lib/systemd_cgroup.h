/* The systemd cgroup driver (--systemd-cgroup): runc's "slice:prefix:name" cgroupsPath, and a
 * transient scope asked of systemd over D-Bus for a container liblxc has already placed in the
 * scope's cgroup (design note 21). sd-bus comes from libsystemd.so.0 through dlopen, so that
 * runlxc runs on hosts without systemd; only the header is needed to build. */
#ifndef RUNLXC_SYSTEMD_CGROUP_H
#define RUNLXC_SYSTEMD_CGROUP_H
#include <stdbool.h>
#include <sys/types.h>
#include "error.h"
#include "gvariant.h"
#include "probe.h"
#include "spec.h"

/* A unit property given by the bundle (runc's org.systemd.property.NAME annotations). */
struct rlx_sd_prop {
    char *name;
    struct rlx_gv value;
};

struct rlx_sd_unit {
    char *slice;       /* "system.slice", "a-b.slice", "-.slice" */
    char *unit;        /* "prefix-name.scope" */
    char *cgroup_dir;  /* below the hierarchy roots, no leading '/': "system.slice/prefix-name.scope" */
    struct rlx_sd_prop *props;   /* sent after runlxc's own, so they override them, as runc's */
    size_t n_props;
};

/* runc's rules: "" -> slice system.slice, unit runlxc-<id>.scope; otherwise exactly three
 * ':'-separated fields, an empty slice being system.slice. Errors name linux.cgroupsPath.
 * u starts zeroed or with the properties of rlx_sd_unit_add_annotations, which it keeps. */
int rlx_sd_parse_path(const char *cgroups_path, const char *id, struct rlx_sd_unit *u, rlx_error_t *err);
/* Only the form (empty, or three ':'-separated fields): runc checks it before it asks for
 * systemd, and the slice and unit names after. */
int rlx_sd_check_path_form(const char *cgroups_path, rlx_error_t *err);
/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice", "-.slice" -> "" (runc's ExpandSlice). */
char *rlx_sd_expand_slice(const char *slice, rlx_error_t *err);
/* runc's org.systemd.property.NAME annotations (specconv's initSystemdProps): NAME is 3 or more
 * ASCII letters, the value GVariant text ("uint64 123", "'inactive-or-failed'", "true"); a NAME
 * ending in a lowercase letter and "Sec" becomes ...USec with the number in microseconds.
 * Errors in runc 1.1.5's words; checked, as runc does, before the path and before systemd is
 * asked for. annotations: a JSON object or NULL. */
int rlx_sd_unit_add_annotations(struct rlx_sd_unit *u, struct json_object *annotations, rlx_error_t *err);
void rlx_sd_unit_free(struct rlx_sd_unit *u);

struct rlx_sd;
/* Connects to the running systemd; a clear error naming --systemd-cgroup when there is none
 * (no /run/systemd/system, no libsystemd.so.0 with sd-bus, or the bus refuses). */
struct rlx_sd *rlx_sd_open(rlx_error_t *err);
void rlx_sd_close(struct rlx_sd *sd);
/* True when the driver can work here (libsystemd loads, systemd runs as the init system). */
bool rlx_sd_available(void);
int rlx_sd_version(const struct rlx_sd *sd);

/* A device access systemd is to allow (DeviceAllow=): "char-pts", "/dev/char/1:3", ... */
struct rlx_sd_device {
    char *path;
    char access[4];
};

/* StartTransientUnit(unit, "replace", [Description, Slice, Delegate, DefaultDependencies,
 * PIDs=[pid], accounting, resources, devices]) and waits for the unit to be active. A
 * leftover failed unit of that name is reset and the start tried again once. devices NULL:
 * DevicePolicy=auto without DeviceAllow (all devices), else strict with those entries. */
int rlx_sd_start_scope(struct rlx_sd *sd, const struct rlx_sd_unit *u, pid_t pid, const struct rlx_resources *r,
                       const struct rlx_cgroup_layout *l, const struct rlx_sd_device *devices, size_t n_devices,
                       rlx_error_t *err);
/* SetUnitProperties(unit, runtime=true, resources) for update. */
int rlx_sd_set_resources(struct rlx_sd *sd, const char *unit, const struct rlx_resources *r,
                         const struct rlx_cgroup_layout *l, rlx_error_t *err);
/* StopUnit + wait + ResetFailedUnit; a unit systemd no longer has is not an error. */
int rlx_sd_stop_unit(struct rlx_sd *sd, const char *unit, rlx_error_t *err);
/* "active", "inactive", ... or NULL when systemd has no such unit loaded. */
char *rlx_sd_active_state(struct rlx_sd *sd, const char *unit);

/* The DeviceAllow= list that leaves systemd's device policy equal to the cgroup v1 device
 * rules in order ("a" or "c 1:3 rwm", allow[i] true for devices.allow): a deny of "a" empties
 * the list; an exact deny removes an earlier exact allow. *all is set when the rules end by
 * allowing every device (DevicePolicy=auto). */
struct rlx_sd_device *rlx_sd_devices_from_rules(char **rules, const bool *allow, size_t n, size_t *n_out, bool *all);
void rlx_sd_devices_free(struct rlx_sd_device *d, size_t n);

#endif
