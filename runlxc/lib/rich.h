/* Rich containers (design note 20): a container whose process is an init (systemd, sysvinit)
 * gets what an init expects, as LXC and podman's --systemd give it. */
#ifndef RUNLXC_RICH_H
#define RUNLXC_RICH_H
#include "error.h"
#include "spec.h"

#define RLX_RICH_ANNOTATION "org.runlxc.rich"
#define RLX_STOP_SIGNAL_ANNOTATION "org.runlxc.stop-signal"

enum rlx_init_kind { RLX_INIT_NONE, RLX_INIT_SYSTEMD, RLX_INIT_OTHER };

struct rlx_rich {
    enum rlx_init_kind kind;
    int stop_signal;   /* what `runlxc kill ID` without a signal sends; 0 when not rich */
};

/* The rule: annotation org.runlxc.rich "true"/"false" decides; without it, process.args[0]
 * being one of the init paths (rlx_rich_init_paths) makes the container rich. The kind is
 * systemd when args[0], followed through the rootfs's symlinks, is a file named "systemd".
 * spec->root_path must be resolved. Errors name the annotation. */
int rlx_rich_detect(const struct rlx_spec *s, struct rlx_rich *out, rlx_error_t *err);
/* Adds what the spec does not give itself: container= in the environment, tmpfs at /run,
 * /run/lock and /tmp, a cgroup namespace where the kernel has one, and a /sys/fs/cgroup
 * mount (lxcconf makes the hierarchies an init tracks its services in writable). */
void rlx_rich_apply(struct rlx_spec *s, const struct rlx_rich *r);
/* A rich container's init halted through reboot(2): the kernel ends it with SIGINT (Linux
 * reboot_pid_ns); that is a clean stop, reported as exit status 0 as LXC reports it. */
int rlx_rich_exit_code(const struct rlx_rich *r, int code);

#endif
