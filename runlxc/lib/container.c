#include "container.h"
#include "mounts.h"
#include "cgroup.h"
#include "dialect.h"
#include "liblxc_lockdir.h"
#include "hooks.h"
#include "initmsg.h"
#include "liblxc_load.h"
#include "init_launch.h"
#include "lxcconf.h"
#include "lxcfs.h"
#include "probe.h"
#include "seccomp_profile.h"
#include "spec.h"
#include "state.h"
#include "supervise.h"
#include "syscalls.h"
#include "resources.h"
#include "systemd_cgroup.h"
#include "ttys.h"
#include "userns.h"
#include "util.h"
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <lxc/lxccontainer.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

/* ---- helpers ------------------------------------------------------------------------- */

int rlx_write_pid_file(const char *path, pid_t pid, rlx_error_t *err)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%d", pid);
    return write_file_atomic(path, buf, (size_t)n, 0644, err);
}

/* The first ERROR liblxc logged is usually the cause; later ones are consequences. */
static char *lxc_log_reason(const char *state_dir)
{
    cleanup_free char *path = xasprintf("%s/lxc.log", state_dir);
    cleanup_free char *text = NULL;
    rlx_error_t e = NULL;
    char *line, *save = NULL;

    text = read_file(path, NULL, &e);
    rlx_error_release(&e);
    if (text == NULL)
        return NULL;
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *m;
        if (strstr(line, " ERROR ") == NULL)
            continue;
        /* liblxc looks for /dev/null in the container before runlxc-init has made it (the
         * config's /dev is empty then, design note 14) and carries on without it. */
        if (strstr(line, "open_devnull"))
            continue;
        m = strstr(line, " - ");
        m = m ? strstr(m + 3, " - ") : NULL;
        return xstrdup(m ? m + 3 : line);
    }
    return NULL;
}

static char *state_json_text(const struct rlx_state *st, const char *status)
{
    struct json_object *o = rlx_state_to_json(st, status);
    char *s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    return s;
}

/* ---- the short-lived monitor --------------------------------------------------------- */

struct monitor_args {
    const struct rlx_global *g;
    const char *id;
    const char *state_dir;
    const struct rlx_spec *spec;
    const struct rlx_lxcconf *conf;
    int sync_fd, init_fd, first_free_fd;
    int handoff_fd;           /* kernels without subreapers: the monitor's end of the hand-off socket, else -1 */
};

/* Kernels without PR_SET_CHILD_SUBREAPER: init cannot be reparented to anyone who would
 * learn its exit status, so the monitor process stays its parent, but not as liblxc's
 * monitor: runlxc create sends init's pid down the hand-off socket and signals SIGWINCH,
 * one of the few signals liblxc's monitor leaves unblocked (liblxc refuses to start
 * non-daemonized when threaded, so no thread can wait instead). The handler execs
 * `runlxc-init reap`, which keeps our pid, and so our child init, and nothing of liblxc.
 * A handler needs its inputs in static storage; they are set once, in the monitor child. */
static struct {
    int fd, init_fd;
    char *status_path;
} handoff = {-1, -1, NULL};

static void fmt_int(char *buf, size_t n, long v)   /* async-signal-safe */
{
    char tmp[24];
    size_t i = 0, j = 0;
    do
        tmp[i++] = (char)('0' + v % 10);
    while ((v /= 10) > 0 && i < sizeof(tmp));
    while (i > 0 && j + 1 < n)
        buf[j++] = tmp[--i];
    buf[j] = '\0';
}

static void handoff_on_sigwinch(int sig)
{
    pid_t init_pid;
    char pid_s[24], fd_s[24], exe[48] = "/proc/self/fd/";
    (void)sig;
    /* A terminal resize also sends SIGWINCH: without a pid waiting, it is not ours. */
    if (read(handoff.fd, &init_pid, sizeof(init_pid)) != sizeof(init_pid))
        return;
    fmt_int(pid_s, sizeof(pid_s), init_pid);
    fmt_int(fd_s, sizeof(fd_s), handoff.fd);
    fmt_int(exe + strlen(exe), sizeof(exe) - strlen(exe), handoff.init_fd);
    fcntl(handoff.fd, F_SETFD, 0);
    /* From here this process outlives create by design: no longer die with it (a
     * parent-death signal survives execve of a program that is not set-id). */
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    {
        char *argv[] = {(char *)"runlxc-reaper", (char *)"reap", pid_s, handoff.status_path, fd_s, NULL};
        execve(exe, argv, (char *[]){NULL});
    }
    _exit(255);
}

/* Runs in the forked child: becomes liblxc's non-daemonized monitor. runlxc create kills it
 * as soon as init reports ready, so that init is reparented to the caller's subreaper. */
static void __attribute__((noreturn)) monitor_main(struct monitor_args *a, pid_t creator)
{
    cleanup_free char *fifo = xasprintf("%s/exec.fifo", a->state_dir);
    struct lxc_container *c;
    struct rlx_lxc_api lxc;
    rlx_error_t lerr = NULL;
    int sync_fd, fifo_fd, init_fd, stdio[3], pipe_fds[2], r, w;
    char sync_s[16], fifo_s[16], init_path[64], stdio_s[48];
    char *argv[5];

    prctl(PR_SET_NAME, "runlxc-monitor", 0, 0, 0);
    /* The monitor dies with create (issue 15): a create killed by an engine's timeout would
     * otherwise leave it building the container after `delete --force` had run. liblxc's
     * child (until runlxc-init clears it) dies with the monitor in turn. A create that died
     * before this prctl is seen by getppid(). */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != creator)
        _exit(1);
    rlx_reset_signals();
    sync_fd = fd_move_above(a->sync_fd, a->first_free_fd);
    fifo_fd = open(fifo, O_RDONLY | O_NONBLOCK);
    if (sync_fd < 0 || fifo_fd < 0)
        rlx_msg_fail(a->sync_fd, "open %s: %s", fifo, strerror(errno));
    fifo_fd = fd_move_above(fifo_fd, a->first_free_fd);
    init_fd = fd_move_above(a->init_fd, a->first_free_fd);
    if (a->handoff_fd >= 0 && ((a->handoff_fd = fd_move_above(a->handoff_fd, a->first_free_fd)) < 0 ||
                               fcntl(a->handoff_fd, F_SETFD, FD_CLOEXEC) < 0))
        rlx_msg_fail(sync_fd, "dup: %s", strerror(errno));
    if (fifo_fd < 0 || init_fd < 0)
        rlx_msg_fail(sync_fd, "dup: %s", strerror(errno));
    /* liblxc (fix_stdio_permissions) fchmods its child's stdio to 0700 unless they are the
     * device the container's /dev/null is: with a rootfs that brings its own /dev, that is the
     * caller's files and terminal, and with an image whose /dev/null is a symlink
     * (CVE-2025-31133's) the host's /dev/null. liblxc gets a pipe as stdio instead, and
     * runlxc-init takes the caller's back from the fds named in its argv (-1: closed). */
    for (int i = 0; i < 3; i++)
        if ((stdio[i] = fcntl(i, F_DUPFD, a->first_free_fd)) < 0 && errno != EBADF)
            rlx_msg_fail(sync_fd, "dup stdio: %s", strerror(errno));
    if (pipe(pipe_fds) < 0 || (r = fcntl(pipe_fds[0], F_DUPFD, a->first_free_fd)) < 0 ||
        (w = fcntl(pipe_fds[1], F_DUPFD, a->first_free_fd)) < 0)
        rlx_msg_fail(sync_fd, "pipe: %s", strerror(errno));
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    if (dup2(r, 0) < 0 || dup2(w, 1) < 0 || dup2(w, 2) < 0)
        rlx_msg_fail(sync_fd, "dup2: %s", strerror(errno));
    close(r);
    close(w);
    /* Join namespaces given by path; liblxc's clone() then inherits them. */
    for (size_t i = 0; i < a->spec->n_namespaces; i++) {
        const struct rlx_namespace *ns = &a->spec->namespaces[i];
        int fd;
        /* liblxc joins a user namespace itself: the monitor must keep the host's ids. */
        if (ns->path == NULL || ns->flag == CLONE_NEWUSER)
            continue;
        fd = open(ns->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || rlx_setns(fd, ns->flag) < 0)
            rlx_msg_fail(sync_fd, "linux.namespaces[%zu].path: join %s namespace %s: %s", i, ns->name, ns->path,
                         strerror(errno));
        close(fd);
    }
    if (rlx_lxc_load(&lxc, &lerr) < 0)
        rlx_msg_fail(sync_fd, "%s", rlx_error_text(&lerr));
    c = lxc.container_new(a->id, a->g->root);
    if (c == NULL)
        rlx_msg_fail(sync_fd, "liblxc: cannot create container object");
    for (size_t i = 0; i < a->conf->n; i++)
        if (!c->set_config_item(c, a->conf->keys[i], a->conf->values[i]))
            rlx_msg_fail(sync_fd, "liblxc rejected %s = %s", a->conf->keys[i], a->conf->values[i]);
    c->want_daemonize(c, false);
    c->want_close_all_fds(c, false);
    if (a->handoff_fd >= 0) {
        struct sigaction sa = {.sa_handler = handoff_on_sigwinch};
        sigfillset(&sa.sa_mask);
        handoff.fd = a->handoff_fd;
        handoff.init_fd = init_fd;
        handoff.status_path = xasprintf("%s/exit-status", a->state_dir);
        fcntl(handoff.fd, F_SETFL, O_NONBLOCK);
        sigaction(SIGWINCH, &sa, NULL);
    }
    snprintf(sync_s, sizeof(sync_s), "%d", sync_fd);
    snprintf(fifo_s, sizeof(fifo_s), "%d", fifo_fd);
    snprintf(init_path, sizeof(init_path), "/proc/self/fd/%d", init_fd);
    snprintf(stdio_s, sizeof(stdio_s), "%d,%d,%d", stdio[0], stdio[1], stdio[2]);
    argv[0] = init_path;
    argv[1] = sync_s;
    argv[2] = fifo_s;
    argv[3] = stdio_s;
    argv[4] = NULL;
    _exit(c->start(c, 0, argv) ? 0 : 1);
}

/* ---- create -------------------------------------------------------------------------- */

/* Can runlxc exec enter every namespace this container gets? setns(2) must exist and know
 * each type (before 3.8, or on RHEL 6 before 6.8, only net/ipc/uts; the /proc/PID/ns entry of
 * a type appeared with setns support for it). Otherwise exec goes through the agent. */
static bool exec_needs_agent(const struct rlx_spec *s)
{
    static const char *const names[] = {"mnt", "pid", "net", "ipc", "uts", "user", "cgroup"};
    static const int flags[] = {CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS,
                                CLONE_NEWUSER, CLONE_NEWCGROUP};
    if (!rlx_probe_setns())
        return true;
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        char path[32];
        snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
        if (rlx_spec_has_namespace(s, flags[i]) && !path_exists(path))
            return true;
    }
    return false;
}

/* Takes the exec agent out of the container's freezer, so that `exec --ignore-paused` still
 * reaches a paused container (runc's rule); the processes it starts join the freezer from
 * the host like any exec'd process. Init's only child before start is the agent. */
static bool agent_escape_freezer(pid_t init_pid, char **cgroup_paths)
{
    DIR *d = opendir("/proc");
    struct dirent *de;
    bool moved = false;
    while (d && !moved && (de = readdir(d)) != NULL) {
        cleanup_free char *path = NULL, *stat = NULL;
        char *end;
        int ppid;
        if (de->d_name[0] < '1' || de->d_name[0] > '9')
            continue;
        path = xasprintf("/proc/%s/stat", de->d_name);
        stat = read_file(path, NULL, NULL);
        end = stat ? strrchr(stat, ')') : NULL;
        if (end && sscanf(end + 1, " %*c %d", &ppid) == 1 && ppid == init_pid)
            moved = rlx_cgroup_escape_freezer(cgroup_paths, (pid_t)atoi(de->d_name)) == 0;
    }
    if (d)
        closedir(d);
    return moved;
}

/* The agent's socket: a host path in the state dir (mode 0700, never inside the container). */
static int agent_listen(const char *state_dir, rlx_error_t *err)
{
    cleanup_free char *path = xasprintf("%s/agent.sock", state_dir);
    return rlx_unix_listen("exec agent socket", path, err);
}

/* After a failure, let liblxc's monitor tear down what it built (init exits after reporting
 * its error, and start() then removes the cgroups); kill it only if it does not finish. */
static void retire_monitor(pid_t monitor, int sync_fd)
{
    if (sync_fd >= 0)
        shutdown(sync_fd, SHUT_RDWR);
    for (int i = 0; i < 500; i++) {
        pid_t r = waitpid(monitor, NULL, WNOHANG);
        if (r == monitor || (r < 0 && errno == ECHILD))
            return;
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    kill(monitor, SIGKILL);
    waitpid(monitor, NULL, 0);
}

/* A user namespace joined by path brings its own id maps: the spec may repeat them (runc
 * checks they match), otherwise they are read from the namespace. */
static int take_joined_userns_maps(struct rlx_spec *s, rlx_error_t *err)
{
    const struct rlx_namespace *user = rlx_spec_namespace(s, CLONE_NEWUSER);
    struct rlx_userns_maps m;
    struct {
        const char *field;
        struct rlx_idmap **spec, **ns;
        size_t *n_spec, *n_ns;
    } kinds[] = {{"linux.uidMappings", &s->uid_mappings, &m.uid, &s->n_uid_mappings, &m.n_uid},
                 {"linux.gidMappings", &s->gid_mappings, &m.gid, &s->n_gid_mappings, &m.n_gid}};
    if (user == NULL || user->path == NULL)
        return 0;
    if (rlx_userns_maps(user->path, &m, err) < 0)
        return rlx_error_wrap(err, "linux.namespaces[%zu].path", (size_t)(user - s->namespaces));
    for (size_t k = 0; k < 2; k++)
        if (*kinds[k].n_spec && !rlx_idmaps_equal(*kinds[k].spec, *kinds[k].n_spec, *kinds[k].ns, *kinds[k].n_ns)) {
            rlx_userns_maps_free(&m);
            return rlx_error(err, 0, "%s: differ from the maps of the joined user namespace %s", kinds[k].field,
                             user->path);
        }
    for (size_t k = 0; k < 2; k++) {
        free(*kinds[k].spec);
        *kinds[k].spec = *kinds[k].ns;
        *kinds[k].n_spec = *kinds[k].n_ns;
    }
    return 0;
}

static int check_preserved_fds(int n, rlx_error_t *err)
{
    for (int fd = 3; fd < 3 + n; fd++) {
        int fl = fcntl(fd, F_GETFD);
        if (fl < 0)
            return rlx_error(err, errno, "unable to stat preserved-fd %d (of --preserve-fds/LISTEN_FDS)", fd);
        fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
    }
    return 0;
}

static int listen_fds_count(void)
{
    const char *n = getenv("LISTEN_FDS"), *p = getenv("LISTEN_PID");
    if (n == NULL || p == NULL || atoi(p) != getpid())
        return 0;
    return atoi(n) > 0 ? atoi(n) : 0;
}

static bool apparmor_enabled(void)
{
    cleanup_free char *t = NULL;
    rlx_error_t e = NULL;
    t = read_file("/sys/module/apparmor/parameters/enabled", NULL, &e);
    rlx_error_release(&e);
    return t && t[0] == 'Y' && path_exists("/sys/kernel/security/apparmor");
}

/* selinuxfs is mounted where SELinux is on: /sys/fs/selinux, or /selinux on RHEL 6. */
static bool selinux_enabled(void)
{
    return path_exists("/sys/fs/selinux/enforce") || path_exists("/selinux/enforce");
}

static bool spec_mounts_proc(const struct rlx_spec *s)
{
    for (size_t i = 0; i < s->n_mounts; i++)
        if (strcmp(s->mounts[i].destination, "/proc") == 0 && s->mounts[i].type &&
            strcmp(s->mounts[i].type, "proc") == 0)
            return true;
    return false;
}

/* The lxcfs relay lives in the container's /dev, which must then be a tmpfs of its own (a
 * directory made on a bind of the host's /dev would land on the host). */
static bool dev_is_own_tmpfs(const struct rlx_spec *s)
{
    for (size_t i = s->n_mounts; i-- > 0;)
        if (strcmp(s->mounts[i].destination, "/dev") == 0)
            return s->mounts[i].type && strcmp(s->mounts[i].type, "tmpfs") == 0;
    return false;
}

/* The annotation decides; without it, the global default (--lxcfs or the config file). */
static bool wants_lxcfs(const struct rlx_global *g, const struct rlx_spec *s)
{
    struct json_object *v;
    if (s->annotations && json_object_object_get_ex(s->annotations, RLX_LXCFS_ANNOTATION, &v))
        return strcmp(json_object_get_string(v), "true") == 0;
    return g->lxcfs;
}

/* Kills whatever is left in the cgroups, waits until they are empty and removes them. */
static void empty_and_destroy(char **cg)
{
    if (rlx_cgroup_is_frozen(cg)) {
        rlx_cgroup_kill_all(cg, SIGKILL);
        rlx_cgroup_freeze(cg, false, NULL);
    }
    for (int i = 0; i < 200; i++) {
        size_t n = 0;
        free(rlx_cgroup_pids(cg, &n));
        /* The payload may have made sub-cgroups and moved processes there (in any
         * hierarchy): they are not in the container's cgroup.procs. */
        n += rlx_cgroup_kill_subcgroups(cg, SIGKILL);
        if (n == 0)
            break;
        rlx_cgroup_kill_all(cg, SIGKILL);
        nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
    rlx_cgroup_destroy(cg);
}

/* The holder ends by itself within a second of init; delete does not wait for that. */
static void kill_tty_holder(const struct rlx_state *st)
{
    if (st->tty_holder_pid > 0 && proc_is_alive(st->tty_holder_pid, st->tty_holder_starttime))
        kill(st->tty_holder_pid, SIGKILL);
}

/* Removes what a failed or deleted container leaves: processes, cgroups, the state dir.
 * The monitor cgroup still holds init's minimal parent on kernels without subreapers. */
static void destroy_leftovers(const char *state_dir, char **cg, char **monitor_cg, pid_t init_pid)
{
    if (init_pid > 0)
        kill(init_pid, SIGKILL);
    if (cg)
        empty_and_destroy(cg);
    if (monitor_cg)
        empty_and_destroy(monitor_cg);
    if (state_dir)
        rm_rf(state_dir);
}

/* Stops a container's transient scope (after its processes were killed, so systemd has
 * nothing to wait for); a host where systemd went away only gets a warning. */
static void stop_systemd_unit(const struct rlx_global *g, const char *unit)
{
    rlx_error_t e = NULL;
    struct rlx_sd *sd;
    if (unit == NULL)
        return;
    sd = rlx_sd_open(&e);
    if (sd == NULL || rlx_sd_stop_unit(sd, unit, &e) < 0)
        rlx_log(g, "warning", "unit %s may remain: %s", unit, rlx_error_text(&e));
    rlx_error_release(&e);
    rlx_sd_close(sd);
}

/* The cgroup device rules of the LXC config, in order: what liblxc wrote (v1) or compiled
 * into its BPF program (v2). */
static size_t device_rules(const struct rlx_lxcconf *conf, char ***rules, bool **allow)
{
    size_t n = 0;
    *rules = NULL;
    *allow = NULL;
    for (size_t i = 0; i < conf->n; i++) {
        size_t kl = strlen(conf->keys[i]);
        bool a = kl > 13 && strcmp(conf->keys[i] + kl - 13, "devices.allow") == 0;
        if (!a && !(kl > 12 && strcmp(conf->keys[i] + kl - 12, "devices.deny") == 0))
            continue;
        strv_push(rules, conf->values[i]);
        *allow = xrealloc(*allow, (n + 1) * sizeof(bool));
        (*allow)[n++] = a;
    }
    return n;
}

/* systemd adopts the cgroup liblxc made and put init in (design note 21): a scope with
 * Delegate=yes, the spec's resources as unit properties and a device policy equal to the
 * spec's rules. Starting it writes systemd's own view of every controller file, so the spec's
 * values are written again afterwards, as the cgroupfs driver left them. */
static int start_systemd_scope(struct rlx_sd *sd, const struct rlx_sd_unit *u, pid_t pid, const struct rlx_spec *spec,
                               const struct rlx_lxcconf *conf, const struct rlx_cgroup_layout *l, char **paths,
                               rlx_error_t *err)
{
    char **rules;
    bool *allow, all;
    size_t n = device_rules(conf, &rules, &allow), n_dev = 0;
    struct rlx_sd_device *dev = rlx_sd_devices_from_rules(rules, allow, n, &n_dev, &all);
    int r = rlx_sd_start_scope(sd, u, pid, &spec->resources, l, all ? NULL : dev, n_dev, err);
    if (r == 0)
        r = rlx_resources_write(&spec->resources, l, paths, err);
    if (r == 0 && n > 0 && l->mode != RLX_CGROUP_V2) {
        cleanup_free char *file = rlx_cgroup_find_file(paths, "devices.allow");
        char *slash = file ? strrchr(file, '/') : NULL;
        if (slash) {
            *slash = '\0';
            for (size_t i = 0; r == 0 && i < n; i++) {
                cleanup_free char *f = xasprintf("%s/devices.%s", file, allow[i] ? "allow" : "deny");
                if (write_file(f, rules[i], err) < 0)
                    r = rlx_error_wrap(err, "linux.resources.devices");
            }
        }
    }
    rlx_sd_devices_free(dev, n_dev);
    strv_free(rules);
    free(allow);
    return r;
}

/* liblxc's lock directory for the root goes with the root's last container; a create that
 * holds the root's lock keeps it (compat/liblxc_lockdir.h). */
static void prune_lxc_lockdir(const char *root)
{
    int fd = rlx_state_root_lock(root, true);
    if (fd < 0)
        return;
    if (rlx_state_root_empty(root))
        rlx_lxc_lockdir_prune(root);
    close(fd);
}

/* Before liblxc makes the container's cgroups, in runc's order: an existing one with
 * processes, or frozen, is refused as runc refuses it (nothing of ours is in it, so the failure
 * leaves it as it was). runc reuses an existing empty one; liblxc only makes a new one ("Failed
 * to create container cgroup", ERANGE), so an empty leftover without sub-cgroups (a create or a
 * runtime killed before its delete) is removed, and one with sub-cgroups is refused by name.
 * Then nested cgroup v1 cpuset parents get cpus and mems, as runc gives them. Runs after the
 * state dir is ours: the cgroup of a container of the same id is never touched. */
static int check_cgroup_before_start(const struct rlx_cgroup_layout *l, const struct rlx_lxcconf *conf,
                                     rlx_error_t *err)
{
    char **cg = rlx_cgroup_container_paths(l, conf->cgroup_dir, conf->cgroup_relative);
    size_t procs = 0;
    bool any = false;
    int r = 0;
    /* Usually none exists yet: one stat each instead of probing their files. */
    for (size_t i = 0; !any && cg && cg[i]; i++)
        any = path_exists(cg[i]);
    if (any && (procs = rlx_cgroup_count_procs(cg)) > 0)
        r = rlx_error(err, 0, "container's cgroup is not empty: %zu process(es) found", procs);
    else if (any && rlx_cgroup_is_frozen(cg))
        r = rlx_error(err, 0, "container's cgroup unexpectedly frozen");
    for (size_t i = 0; any && r == 0 && cg && cg[i]; i++)
        if (rmdir(cg[i]) < 0 && errno != ENOENT)
            r = rlx_error(err, errno, "linux.cgroupsPath: %s exists and liblxc cannot reuse it", cg[i]);
    strv_free(cg);
    if (r < 0)
        return r;
    return rlx_cgroup_cpuset_parents(l, conf->cgroup_dir, conf->cgroup_relative, err);
}

int rlx_container_create(const struct rlx_global *g, const char *id, const struct rlx_create_opts *o,
                         struct rlx_created *out, rlx_error_t *err)
{
    char bundle[PATH_MAX];
    cleanup_free char *state_dir = NULL, *cfg_path = NULL, *text = NULL, *fifo = NULL, *self_cfg = NULL;
    struct rlx_spec *spec = NULL;
    struct rlx_lxcconf conf = {0};
    struct rlx_cgroup_layout layout;
    struct rlx_dialect dialect;
    struct rlx_state st = {0};
    struct rlx_buf msg = {0};
    struct rlx_seccomp_prog seccomp = {0};
    struct stat sb;
    int sv[2] = {-1, -1}, init_fd = -1, listen_fds = listen_fds_count(), type;
    int handoff[2] = {-1, -1}, agent_fd = -1, lock = -1, root_lock = -1;
    bool has_agent = false;
    pid_t monitor = -1, init_pid = 0;
    char **monitor_cg = NULL, **expected_cg = NULL, **expected_monitor_cg = NULL;
    sigset_t saved_mask;
    struct rlx_sd_unit sdu = {0};
    struct rlx_sd *sd = NULL;
    struct rlx_ttys ttys = {.n = 0, .masters = NULL, .slaves = NULL, .listen_fd = -1};
    int n_ttys = 0;
    pid_t tty_holder = -1;
    bool have_layout = false, made_dir = false, record_cgroups, monitor_cg_gone = false;
    int ret = -1;

    out->pid = 0;
    out->rich = (struct rlx_rich){RLX_INIT_NONE, 0};
    out->pty_master = -1;
    out->reaper = 0;
    if (rlx_id_validate(id, err) < 0)
        return -1;
    if (realpath(o->bundle ? o->bundle : ".", bundle) == NULL)
        return rlx_error(err, errno, "bundle %s", o->bundle ? o->bundle : ".");
    cfg_path = xasprintf("%s/config.json", bundle);
    text = read_file(cfg_path, NULL, err);
    if (text == NULL)
        return -1;
    spec = rlx_spec_parse(text, bundle, err);
    if (spec == NULL)
        return -1;
    if (rlx_dialect_load(&dialect, err) < 0)
        goto out;
    if (stat(spec->root_path, &sb) < 0) {
        rlx_error(err, errno, "root.path: %s", spec->root_path);
        goto out;
    }
    if (!S_ISDIR(sb.st_mode)) {
        rlx_error(err, 0, "root.path: %s is not a directory", spec->root_path);
        goto out;
    }
    {
        /* liblxc opens the rootfs with O_NOFOLLOW: hand it the directory a symlink names. */
        char *real = realpath(spec->root_path, NULL);
        if (real == NULL) {
            rlx_error(err, errno, "root.path: %s", spec->root_path);
            goto out;
        }
        free(spec->root_path);
        spec->root_path = real;
    }
    if (rlx_rich_detect(spec, &out->rich, err) < 0)
        goto out;
    rlx_rich_apply(spec, &out->rich);
    if (rlx_ttys_count(spec, &n_ttys, err) < 0 || (n_ttys > 0 && rlx_ttys_open(spec, n_ttys, &ttys, err) < 0))
        goto out;
    if (!spec_mounts_proc(spec)) {
        rlx_error(err, 0, "mounts: runlxc needs a proc filesystem mounted at /proc in the container");
        goto out;
    }
    if (rlx_mounts_prepare(spec, err) < 0)
        goto out;
    if (spec->process.terminal && !o->console_socket && !o->foreground) {
        rlx_error(err, 0, "cannot allocate tty if runlxc will detach without setting console socket");
        goto out;
    }
    if (o->console_socket && !spec->process.terminal) {
        rlx_error(err, 0, "cannot use console socket if runlxc will not detach or allocate tty");
        goto out;
    }
    if (o->preserve_fds < 0) {
        rlx_error(err, 0, "--preserve-fds: must not be negative");
        goto out;
    }
    if (check_preserved_fds(listen_fds + o->preserve_fds, err) < 0)
        goto out;
    if (rlx_check_process_kernel(&spec->process, spec->has_seccomp, err) < 0)
        goto out;
    if (spec->has_seccomp && rlx_seccomp_build(spec->seccomp, &seccomp, err) < 0)
        goto out;
    if (take_joined_userns_maps(spec, err) < 0)
        goto out;
    if (wants_lxcfs(g, spec)) {
        if (rlx_lxcfs_require(g->lxcfs_mountpoint, err) < 0)
            goto out;
        st.lxcfs_mountpoint = xstrdup(g->lxcfs_mountpoint);
        st.lxcfs_targets = rlx_lxcfs_targets(g->lxcfs_mountpoint);
        if (!rlx_probe_open_tree() && dev_is_own_tmpfs(spec)) {
            if (rlx_lxcfs_relay_refresh(g->lxcfs_mountpoint, err) < 0)
                goto out;
            st.lxcfs_relay = xstrdup(RLX_LXCFS_RELAY_IN_CONTAINER);
        }
    }
    if (rlx_cgroup_layout_load(&layout) < 0) {
        rlx_error(err, 0, "no cgroup hierarchy is mounted on this host");
        goto out;
    }
    have_layout = true;
    /* Before anything is made: a bad path or a host without systemd leaves nothing. In runc's
     * order: the unit properties of the annotations, the path's form, systemd, then the slice
     * and unit names. */
    if (g->systemd_cgroup) {
        if (rlx_sd_unit_add_annotations(&sdu, spec->annotations, err) < 0 ||
            rlx_sd_check_path_form(spec->cgroups_path, err) < 0)
            goto out;
        sd = rlx_sd_open(err);
        if (sd == NULL || rlx_sd_parse_path(spec->cgroups_path, id, &sdu, err) < 0)
            goto out;
    }
    state_dir = rlx_state_dir(g->root, id);
    {
        struct rlx_lxc_ctx ctx = {
            .id = id, .state_dir = state_dir, .root = g->root, .self_exe = g->self_exe,
            .log_level = g->debug ? "DEBUG" : "ERROR", .no_new_keyring = o->no_new_keyring,
            .apparmor_enabled = apparmor_enabled(), .selinux_enabled = selinux_enabled(),
            .dialect = &dialect, .layout = &layout,
            .lxcfs_mountpoint = st.lxcfs_mountpoint, .lxcfs_targets = st.lxcfs_targets,
            .lxcfs_relay = st.lxcfs_relay ? RLX_LXCFS_RELAY_ROOT : NULL,
            .init_cgroups_writable = out->rich.kind != RLX_INIT_NONE,
            .systemd_cgroup_dir = sdu.cgroup_dir,
        };
        if (rlx_lxcconf_build(&conf, spec, &ctx, err) < 0)
            goto out;
        for (size_t i = 0; conf.warnings && conf.warnings[i]; i++)
            rlx_log(g, "warning", "%s", conf.warnings[i]);
    }
    if (mkdir_p(g->root, 0711) < 0) {
        rlx_error(err, errno, "state root %s", g->root);
        goto out;
    }
    root_lock = rlx_state_root_lock(g->root, false);
    if (mkdir(state_dir, 0700) < 0) {
        if (errno == EEXIST)
            rlx_error(err, 0, "container with id '%s' already exists", id);
        else
            rlx_error(err, errno, "create state dir %s", state_dir);
        goto out;
    }
    made_dir = true;
    /* Held until create returns (design note 19): a delete of this id waits for us instead
     * of removing the dir under our feet, and finds whatever we made. A killed create
     * releases it with its last fd. The monitor shares it until create kills it. */
    lock = rlx_state_lock(state_dir, err);
    if (lock < 0 || check_cgroup_before_start(&layout, &conf, err) < 0)
        goto out;
    expected_cg = rlx_cgroup_container_paths(&layout, conf.cgroup_dir, conf.cgroup_relative);
    if (conf.monitor_cgroup_dir) {
        monitor_cg = rlx_cgroup_container_paths(&layout, conf.monitor_cgroup_dir, conf.cgroup_relative);
        /* An empty one is a leftover of a create or a container of this id and root that was
         * killed without delete (the state dir we just made was free); liblxc would refuse
         * it ("Failed to create monitor cgroup") for good. rmdir leaves one in use alone. */
        for (size_t i = 0; monitor_cg && monitor_cg[i]; i++)
            rmdir(monitor_cg[i]);
    }
    self_cfg = xasprintf("%s/config.json", state_dir);
    if (write_file_atomic(self_cfg, text, strlen(text), 0600, err) < 0)
        goto out;
    fifo = xasprintf("%s/exec.fifo", state_dir);
    if (mkfifo(fifo, 0622) < 0) {
        rlx_error(err, errno, "mkfifo %s", fifo);
        goto out;
    }
    st.id = xstrdup(id);
    st.oci_version = xstrdup(spec->oci_version);
    st.bundle = xstrdup(bundle);
    st.rootfs = xstrdup(spec->root_path);
    st.created = now_rfc3339();
    st.owner = xstrdup("");
    st.creator_pid = getpid();
    st.creator_starttime = proc_start_time(st.creator_pid, NULL);
    st.annotations = spec->annotations ? json_object_get(spec->annotations) : NULL;
    st.stop_signal = out->rich.stop_signal;
    st.shared_pidns = !rlx_spec_has_namespace(spec, CLONE_NEWPID) ||
                      rlx_spec_namespace(spec, CLONE_NEWPID)->path != NULL;
    st.cgroup_paths = NULL;
    st.systemd_unit = sdu.unit ? xstrdup(sdu.unit) : NULL;
    for (int k = 0; k < RLX_HOOK_KINDS; k++)
        if (spec->n_hooks[k])
            st.hook_kinds |= 1 << k;
    /* Where liblxc will put the container, recorded before it exists: a create that dies
     * half-way can still be deleted with --force. */
    /* The record first: a dir with state.json then always has it, and a dir with neither was
     * left by a create that made nothing else yet. */
    if (rlx_state_save_cgroups(state_dir, expected_cg, monitor_cg, err) < 0 || rlx_state_save(state_dir, &st, err) < 0)
        goto out;
    if (rlx_init_channel(&init_fd, sv, err) < 0)
        goto out;
    if (!rlx_probe_subreaper() && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, handoff) < 0) {
        rlx_error(err, errno, "socketpair");
        goto out;
    }
    {
        sigset_t all;
        sigfillset(&all);
        pid_t creator = getpid();
        sigprocmask(SIG_BLOCK, &all, &saved_mask);
        monitor = fork();
        if (monitor == 0) {
            struct monitor_args a = {g, id, state_dir, spec, &conf, sv[1], init_fd,
                                     3 + listen_fds + o->preserve_fds, handoff[0]};
            close(sv[0]);
            if (handoff[1] >= 0)
                close(handoff[1]);
            monitor_main(&a, creator);
        }
        sigprocmask(SIG_SETMASK, &saved_mask, NULL);
    }
    if (monitor < 0) {
        rlx_error(err, errno, "fork");
        goto out;
    }
    close(sv[1]);
    sv[1] = -1;
    close(init_fd);
    init_fd = -1;
    rlx_init_records_process(&msg, &spec->process, listen_fds, listen_fds + o->preserve_fds, &seccomp);
    rlx_init_records_container(&msg, spec, layout.mode != RLX_CGROUP_V2);
    /* If init never comes up the send fails or the recv sees EOF: both reported below. */
    has_agent = exec_needs_agent(spec);
    if (has_agent) {
        agent_fd = agent_listen(state_dir, err);
        if (agent_fd < 0)
            goto out;
    }
    rlx_msg_send(sv[0], MSG_CONFIG, msg.data, msg.len, agent_fd);
    if (agent_fd >= 0) {
        close(agent_fd);
        agent_fd = -1;
    }
    {
        struct rlx_seccomp_agent agent = {&seccomp, &st, "creating"};
        type = rlx_init_handshake(sv[0], o->console_socket, &out->pty_master, &agent, &init_pid, err);
    }
    if (type == -1)
        goto out;
    if (type == -2) {
        cleanup_free char *hook_err_path = xasprintf("%s/hook.error", state_dir);
        cleanup_free char *reason = NULL;
        rlx_error_t e = NULL;
        reason = read_file(hook_err_path, NULL, &e);
        rlx_error_release(&e);
        if (reason == NULL)
            reason = lxc_log_reason(state_dir);
        /* lxcfs that died after the check above makes liblxc's bind of its files fail */
        if (st.lxcfs_mountpoint && rlx_lxcfs_probe(st.lxcfs_mountpoint, NULL) != 1) {
            rlx_error(err, 0, "lxcfs at %s died during create (restart it: runlxc lxcfs start); liblxc could not start "
                      "the container: %s", st.lxcfs_mountpoint, reason ? reason : "no reason logged");
            goto out;
        }
        rlx_error(err, 0, "liblxc could not start the container: %s",
                  reason ? reason : "no reason logged (run with --debug and see lxc.log)");
        goto out;
    }
    if (init_pid <= 0) {
        rlx_error(err, 0, "container init did not report its pid");
        goto out;
    }
    /* Where liblxc put its monitor, to remove that cgroup once the monitor is gone. */
    expected_monitor_cg = monitor_cg;
    monitor_cg = conf.monitor_cgroup_dir ? rlx_cgroup_paths_of_pid(monitor, &layout, conf.monitor_cgroup_dir) : NULL;
    if (handoff[1] >= 0) {
        /* No subreaper here: the monitor becomes init's minimal parent and stays. */
        char ack;
        if (write(handoff[1], &init_pid, sizeof(init_pid)) != sizeof(init_pid) || kill(monitor, SIGWINCH) < 0 ||
            poll(&(struct pollfd){handoff[1], POLLIN, 0}, 1, 5000) != 1 || read(handoff[1], &ack, 1) != 1) {
            rlx_error(err, errno, "hand init over to its minimal parent (runlxc-init reap)");
            goto out;
        }
        out->reaper = monitor;
    } else {
        kill(monitor, SIGKILL);
        waitpid(monitor, NULL, 0);
        monitor_cg_gone = rlx_cgroup_destroy(monitor_cg) == 0;
    }
    monitor = -1;
    st.pid = init_pid;
    st.starttime = proc_start_time(init_pid, NULL);
    st.cgroup_paths = rlx_cgroup_paths_of_pid(init_pid, &layout, conf.cgroup_dir);
    if (sd && start_systemd_scope(sd, &sdu, init_pid, spec, &conf, &layout, st.cgroup_paths, err) < 0)
        goto out;
    if (has_agent)
        st.agent_unfrozen = agent_escape_freezer(init_pid, st.cgroup_paths);
    if (n_ttys > 0) {
        if (rlx_ttys_listen(&ttys, state_dir, err) < 0 ||
            (tty_holder = rlx_ttys_hold(&ttys, init_pid, st.starttime, err)) < 0)
            goto out;
        st.tty_holder_pid = tty_holder;
        st.tty_holder_starttime = proc_start_time(tty_holder, NULL);
    }
    /* The cgroups record written before start usually holds these paths already. */
    record_cgroups = !strv_same_set(st.cgroup_paths, expected_cg) || !strv_same_set(monitor_cg, expected_monitor_cg);
    if (record_cgroups && rlx_state_save_cgroups(state_dir, st.cgroup_paths, monitor_cg, err) < 0)
        goto out;
    /* Removed monitor cgroups need no more work from delete. */
    if (!monitor_cg_gone) {
        st.monitor_cgroup_paths = monitor_cg;
        monitor_cg = NULL;
    }
    if (rlx_state_save(state_dir, &st, err) < 0)
        goto out;
    if (spec->n_hooks[RLX_HOOK_START_CONTAINER]) {
        cleanup_free char *sj = state_json_text(&st, "created");
        rlx_msg_send(sv[0], MSG_STATE, sj, strlen(sj), -1);
    }
    if (o->pid_file && rlx_write_pid_file(o->pid_file, init_pid, err) < 0)
        goto out;
    out->pid = init_pid;
    ret = 0;
out:
    if (ret < 0) {
        if (monitor > 0)
            retire_monitor(monitor, sv[0]);
        if (made_dir && st.cgroup_paths) {
            destroy_leftovers(state_dir, st.cgroup_paths, st.monitor_cgroup_paths ? st.monitor_cgroup_paths : monitor_cg,
                              init_pid);
        } else if (made_dir) {
            /* init never reported: liblxc removed its cgroups itself; only empty dirs may remain.
             * Plain rmdir: whatever has members there is not ours. */
            if (init_pid > 0)
                kill(init_pid, SIGKILL);
            for (size_t i = 0; expected_cg && expected_cg[i]; i++)
                rmdir(expected_cg[i]);
            for (size_t i = 0; monitor_cg && monitor_cg[i]; i++)
                rmdir(monitor_cg[i]);
            rm_rf(state_dir);
        }
        if (made_dir && sd && st.systemd_unit && rlx_sd_stop_unit(sd, st.systemd_unit, NULL) < 0)
            rlx_log(g, "warning", "unit %s may remain", st.systemd_unit);
        if (out->pty_master >= 0) {
            close(out->pty_master);
            out->pty_master = -1;
        }
        if (tty_holder > 0) {
            kill(tty_holder, SIGKILL);
            waitpid(tty_holder, NULL, 0);
        }
    }
    rlx_ttys_close(&ttys);
    if (sv[0] >= 0)
        close(sv[0]);
    if (sv[1] >= 0)
        close(sv[1]);
    if (init_fd >= 0)
        close(init_fd);
    if (handoff[0] >= 0)
        close(handoff[0]);
    if (agent_fd >= 0)
        close(agent_fd);
    if (handoff[1] >= 0)
        close(handoff[1]);
    if (lock >= 0)
        close(lock);
    if (root_lock >= 0)
        close(root_lock);
    if (ret < 0 && made_dir)
        prune_lxc_lockdir(g->root);
    strv_free(monitor_cg);
    strv_free(expected_monitor_cg);
    strv_free(expected_cg);
    rlx_buf_free(&msg);
    rlx_seccomp_prog_free(&seccomp);
    rlx_state_free(&st);
    rlx_lxcconf_free(&conf);
    rlx_sd_close(sd);
    rlx_sd_unit_free(&sdu);
    if (have_layout)
        rlx_cgroup_layout_free(&layout);
    rlx_spec_free(spec);
    return ret;
}

/* ---- start, kill, delete ------------------------------------------------------------- */

struct rlx_spec *rlx_container_load_spec(const char *state_dir, const char *bundle, rlx_error_t *err)
{
    cleanup_free char *path = xasprintf("%s/config.json", state_dir);
    cleanup_free char *text = read_file(path, NULL, err);
    return text ? rlx_spec_parse(text, bundle, err) : NULL;
}

/* The state records which hook kinds config.json has: start and delete parse it (a quarter of
 * the instructions of a run's runlxc process, callgrind) only when there is one to run. */
static void run_hooks_warn(const struct rlx_global *g, const char *state_dir, const struct rlx_state *st,
                           enum rlx_hook_kind kind, const char *status)
{
    rlx_error_t e = NULL;
    struct rlx_spec *s;
    if (st->hook_kinds >= 0 && !(st->hook_kinds & (1 << kind)))
        return;
    s = rlx_container_load_spec(state_dir, st->bundle, &e);
    if (s && s->n_hooks[kind]) {
        cleanup_free char *sj = state_json_text(st, status);
        if (rlx_hooks_run(s->hooks[kind], s->n_hooks[kind], rlx_hook_names[kind], sj, &e) < 0)
            rlx_log(g, "warning", "%s", rlx_error_text(&e));
    }
    rlx_error_release(&e);
    rlx_spec_free(s);
}

/* init holds the fifo's read end until it execs the payload (or dies), so the fifo then has no
 * reader and our write end polls POLLERR. Returning only then means that once `state` says
 * running, a signal reaches the payload: runlxc-init is the pid namespace's init without
 * handlers, and the kernel drops every signal but SIGKILL sent to it from outside. */
static void wait_for_payload_exec(int fifo_wr)
{
    struct pollfd pfd = {fifo_wr, 0, 0};
    while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
        ;
}

int rlx_container_start(const struct rlx_global *g, const char *id, rlx_error_t *err)
{
    struct rlx_state st;
    cleanup_free char *dir = NULL, *fifo = NULL;
    cleanup_close int lock = -1, fd = -1;
    const char *status;

    lock = rlx_state_lock_load(g->root, id, &st, err);
    if (lock < 0)
        return -1;
    dir = rlx_state_dir(g->root, id);
    status = rlx_state_status(dir, &st);
    if (strcmp(status, "stopped") == 0) {
        rlx_error(err, 0, "cannot start a container that has stopped");
        goto fail;
    }
    if (strcmp(status, "created") != 0) {
        rlx_error(err, 0, "cannot start an already %s container", status);
        goto fail;
    }
    if (!path_exists(st.bundle)) {
        /* A container whose bundle vanished cannot honour its poststart/poststop hooks. */
        rlx_error(err, ENOENT, "bundle %s of container '%s' disappeared; the container was removed", st.bundle, id);
        kill_tty_holder(&st);
        destroy_leftovers(dir, st.cgroup_paths, st.monitor_cgroup_paths, st.pid);
        stop_systemd_unit(g, st.systemd_unit);
        goto fail;
    }
    fifo = xasprintf("%s/exec.fifo", dir);
    fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        rlx_error(err, errno, "container '%s' init is not waiting on %s", id, fifo);
        goto fail;
    }
    unlink(fifo);
    /* A kill racing this start can end init between our open and our write: the write then
     * fails with EPIPE, which must be an answer (runc's), not a SIGPIPE death of start. */
    signal(SIGPIPE, SIG_IGN);
    if (write(fd, "0", 1) != 1) {
        if (errno == EPIPE)
            rlx_error(err, 0, "cannot start a container that has stopped");
        else
            rlx_error(err, errno, "start container '%s'", id);
        goto fail;
    }
    wait_for_payload_exec(fd);
    close(fd);
    fd = -1;
    run_hooks_warn(g, dir, &st, RLX_HOOK_POSTSTART, "running");
    rlx_state_free(&st);
    return 0;
fail:
    rlx_state_free(&st);
    return -1;
}

int rlx_container_kill(const struct rlx_global *g, const char *id, int sig, bool all, rlx_error_t *err)
{
    struct rlx_state st;
    cleanup_free char *dir = NULL;
    const char *status;
    int ret = 0;

    if (rlx_state_load(g->root, id, &st, err) < 0)
        return -1;
    dir = rlx_state_dir(g->root, id);
    status = rlx_state_status(dir, &st);
    if (strcmp(status, "stopped") == 0 || strcmp(status, "creating") == 0) {
        if (!all)
            ret = rlx_error(err, 0, "container '%s' is not running", id);
        rlx_state_free(&st);
        return ret;
    }
    if (sig == RLX_DEFAULT_STOP_SIGNAL)
        sig = st.stop_signal > 0 ? st.stop_signal : SIGTERM;
    if (all || (sig == SIGKILL && st.shared_pidns))
        rlx_cgroup_kill_all(st.cgroup_paths, sig);
    if (kill(st.pid, sig) < 0 && errno != ESRCH)
        ret = rlx_error(err, errno, "kill container '%s' (pid %d)", id, st.pid);
    /* A frozen cgroup v1 task only dies once thawed. */
    if (sig == SIGKILL && strcmp(status, "paused") == 0)
        rlx_cgroup_freeze(st.cgroup_paths, false, NULL);
    rlx_state_free(&st);
    return ret;
}

/* A damaged state.json cannot say where the container lives. The separate cgroups record can,
 * as far as its paths lie below this host's cgroup mounts: emptying those cgroups ends init,
 * the payload and, without subreapers, the minimal parent too. */
static void delete_damaged(const struct rlx_global *g, const char *id, const char *dir)
{
    struct rlx_cgroup_layout layout;
    char **cg = NULL, **monitor_cg = NULL;
    cleanup_free char *state_json = xasprintf("%s/state.json", dir), *lxc_log = xasprintf("%s/lxc.log", dir);
    int kept = -1;

    if (rlx_cgroup_layout_load(&layout) == 0) {
        kept = rlx_state_load_cgroups(dir, &layout, &cg, &monitor_cg);
        rlx_cgroup_layout_free(&layout);
    }
    /* Quiet only for what a create killed before the record leaves: no state.json and no
     * lxc.log (liblxc, which opens it, runs after the record is written): nothing else made. */
    if (kept < 0 && (path_exists(state_json) || path_exists(lxc_log)))
        rlx_log(g, "warning", "container '%s': %s/cgroups is unreadable; its processes and cgroups may remain", id, dir);
    destroy_leftovers(dir, cg, monitor_cg, 0);
    /* The unit is named by the last component of the container's cgroup. */
    if (cg && cg[0] && rlx_sd_available() && strstr(cg[0], ".scope") && strcmp(strstr(cg[0], ".scope"), ".scope") == 0)
        stop_systemd_unit(g, strrchr(cg[0], '/') + 1);
    strv_free(cg);
    strv_free(monitor_cg);
}

int rlx_container_delete(const struct rlx_global *g, const char *id, bool force, rlx_error_t *err)
{
    struct rlx_state st;
    cleanup_free char *dir = NULL;
    cleanup_close int lock = -1;
    rlx_error_t lerr = NULL;
    const char *status;

    if (rlx_id_validate(id, err) < 0)
        return -1;
    dir = rlx_state_dir(g->root, id);
    /* Lock first, then read: a create still running (it holds the lock) finishes first, and
     * of two deletes the second finds the container gone, as runc answers. */
    lock = rlx_state_lock_load(g->root, id, &st, &lerr);
    if (lock < 0) {
        bool missing = lerr->errnum == ENOENT && !path_exists(dir);
        if (missing && force) {
            rlx_error_release(&lerr);
            return 0;
        }
        if (!missing && force) {
            /* A create killed before it wrote state.json leaves the dir without it. */
            rlx_log(g, "warning", "%s; removing it", rlx_error_text(&lerr));
            rlx_error_release(&lerr);
            lock = rlx_state_lock(dir, &lerr);
            rlx_error_release(&lerr);
            delete_damaged(g, id, dir);
            close(lock);
            lock = -1;
            prune_lxc_lockdir(g->root);
            return 0;
        }
        *err = lerr;
        return -1;
    }
    status = rlx_state_status(dir, &st);
    if (!force && (strcmp(status, "running") == 0 || strcmp(status, "paused") == 0)) {
        rlx_error(err, 0, "cannot delete container %s that is not stopped: %s", id, status);
        rlx_state_free(&st);
        return -1;
    }
    /* A create killed before it knew init's pid recorded only where the cgroups would be. */
    if (st.pid == 0 || st.cgroup_paths == NULL)
        rlx_state_add_recorded_cgroups(dir, &st);
    kill_tty_holder(&st);
    destroy_leftovers(NULL, st.cgroup_paths, st.monitor_cgroup_paths,
                      rlx_state_init_alive(&st) ? st.pid : 0);
    stop_systemd_unit(g, st.systemd_unit);
    run_hooks_warn(g, dir, &st, RLX_HOOK_POSTSTOP, "stopped");
    rm_rf(dir);
    rlx_state_free(&st);
    prune_lxc_lockdir(g->root);
    return 0;
}
