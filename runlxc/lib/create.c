/* `runlxc create`: the stages that make the container (create.h; load, check and plan are in
 * create_plan.c) and the one undo that takes down what they made. */
#include "create.h"
#include "bind_staging.h"
#include "cgroup_place.h"
#include "init_launch.h"
#include "hooks.h"
#include "initmsg.h"
#include "lxcfs.h"
#include "monitor.h"
#include "resources.h"
#include "syscalls.h"
#include "teardown.h"
#include "util.h"
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- make: the state dir, the cgroups' places, the record ---------------------------- */

/* Before liblxc makes the container's cgroups, in runc's order: an existing one with
 * processes is shared with runc 1.1's warnings where runlxc can share it (create_plan.c) and
 * refused as runc 1.2 refuses it elsewhere; a frozen one is refused as runc refuses it
 * (nothing of ours is in it, so the failure leaves it as it was). runc reuses an existing empty
 * one; liblxc only makes a new one ("Failed to create container cgroup", ERANGE), so an empty
 * leftover without sub-cgroups (a create or a runtime killed before its delete) is removed, and
 * one with sub-cgroups is refused by name. Then nested cgroup v1 cpuset parents get cpus and
 * mems, as runc gives them. Runs after the state dir is ours: the cgroup of a container of the
 * same id is never touched. */
static int check_cgroup_before_start(const struct rlx_global *g, const struct rlx_cgroup_layout *l,
                                     const struct rlx_lxcconf *conf, rlx_error_t *err)
{
    char **cg = rlx_cgroup_container_paths(l, conf->cgroup_dir, conf->cgroup_relative);
    size_t procs = 0;
    bool any = rlx_cgroup_any_exists(cg);
    int r = 0;
    if (any && (procs = rlx_cgroup_count_procs(cg)) > 0 && !conf->cgroup_shared)
        r = rlx_error(err, 0, "container's cgroup is not empty: %zu process(es) found (runlxc shares one, as runc "
                      "1.1 does, only with the cgroupfs driver and a cgroup v1 device controller)", procs);
    else if (any && rlx_cgroup_is_frozen(cg))
        r = rlx_error(err, 0, "container's cgroup unexpectedly frozen");
    if (r == 0 && procs > 0) {
        rlx_log(g, "warning", "container's cgroup is not empty: %zu process(es) found", procs);
        rlx_log(g, "warning", "DEPRECATED: running container in a non-empty cgroup won't be supported in runc 1.2; "
                "https://github.com/opencontainers/runc/issues/3132");
    }
    for (size_t i = 0; any && r == 0 && !conf->cgroup_shared && cg && cg[i]; i++)
        if (rmdir(cg[i]) < 0 && errno != ENOENT)
            r = rlx_error(err, errno, "linux.cgroupsPath: %s exists and liblxc cannot reuse it", cg[i]);
    strv_free(cg);
    if (r < 0)
        return r;
    return rlx_cgroup_cpuset_parents(l, conf->cgroup_dir, conf->cgroup_relative, err);
}

/* The state dir, locked until create returns (design note 19): a delete of this id waits for
 * us instead of removing the dir under our feet, and finds whatever we made. A killed create
 * releases it with its last fd; the monitor shares it until create retires it. */
static int make_state_dir(struct rlx_create *c, rlx_error_t *err)
{
    const char *root = c->g->root;
    if (mkdir_p(root, 0711) < 0)
        return rlx_error(err, errno, "state root %s", root);
    c->root_lock = rlx_state_root_lock(root, false);
    if (mkdir(c->state_dir, 0700) < 0) {
        if (errno == EEXIST)
            return rlx_error(err, 0, "container with id '%s' already exists", c->id);
        return rlx_error(err, errno, "create state dir %s", c->state_dir);
    }
    c->made_dir = true;
    c->lock = rlx_state_lock(c->state_dir, err);
    return c->lock < 0 ? -1 : 0;
}

static size_t device_rules(const struct rlx_lxcconf *conf, char ***rules, bool **allow);
static int rewrite_v1_device_rules(char **paths, char **rules, const bool *allow, size_t n, rlx_error_t *err);

/* On a liblxc that cannot be told where (cgroup_place.h): the container's cgroups, made and
 * filled as liblxc fills its own, before liblxc bind-mounts them into the container. */
static int place_cgroups(struct rlx_create *c, rlx_error_t *err)
{
    char **rules;
    bool *allow;
    size_t n = device_rules(&c->conf, &rules, &allow);
    int r = rlx_cgroup_place_make(&c->layout, c->conf.cgroup_dir, c->conf.cgroup_relative, err);
    c->liblxc_cg_parents = rlx_cgroup_place_liblxc_parents(&c->layout, c->conf.liblxc_cgroup_dir, c->conf.cgroup_relative);
    for (size_t i = 0; c->liblxc_cg_parents[i]; i++)
        if (path_exists(c->liblxc_cg_parents[i]))
            strv_push(&c->liblxc_cg_parents_existed, c->liblxc_cg_parents[i]);
    if (r == 0)
        r = rlx_resources_write(&c->spec->resources, &c->layout, c->expected_cg, err);
    if (r == 0 && n > 0 && c->layout.mode != RLX_CGROUP_V2)
        r = rewrite_v1_device_rules(c->expected_cg, rules, allow, n, err);
    strv_free(rules);
    free(allow);
    return r;
}

/* Init into the cgroups place_cgroups made: as soon as create knows init (creation hooks, as
 * runc runs them, see it there), else once init reports. liblxc's cgroups are removed only
 * after the handshake: liblxc may still write their device rules meanwhile. */
static int place_init(struct rlx_create *c, pid_t init, rlx_error_t *err)
{
    if (c->liblxc_cg == NULL)
        c->liblxc_cg = rlx_cgroup_place_liblxc_paths(init, &c->layout, c->expected_cg);
    return rlx_cgroup_place_move(c->liblxc_cg, init, c->expected_cg, err);
}

/* Where liblxc will put the container and its monitor. An empty monitor cgroup is a leftover
 * of a create or a container of this id and root killed without delete (the state dir we just
 * made was free); liblxc would refuse it ("Failed to create monitor cgroup") for good. rmdir
 * leaves one in use alone. */
static int make_cgroup_places(struct rlx_create *c, rlx_error_t *err)
{
    if (check_cgroup_before_start(c->g, &c->layout, &c->conf, err) < 0)
        return -1;
    c->expected_cg = rlx_cgroup_container_paths(&c->layout, c->conf.cgroup_dir, c->conf.cgroup_relative);
    if (c->conf.cgroup_placed_by_runlxc && place_cgroups(c, err) < 0)
        return -1;
    if (c->conf.monitor_cgroup_dir) {
        c->monitor_cg = rlx_cgroup_container_paths(&c->layout, c->conf.monitor_cgroup_dir, c->conf.cgroup_relative);
        for (size_t i = 0; c->monitor_cg && c->monitor_cg[i]; i++)
            rmdir(c->monitor_cg[i]);
    }
    return 0;
}

/* config.json as it was given (start and delete read their hooks from it) and the fifo whose
 * existence means "created". */
static int make_state_files(struct rlx_create *c, rlx_error_t *err)
{
    cleanup_free char *self_cfg = xasprintf("%s/config.json", c->state_dir);
    cleanup_free char *fifo = xasprintf("%s/exec.fifo", c->state_dir);
    if (write_file_atomic(self_cfg, c->config_text, strlen(c->config_text), 0600, err) < 0)
        return -1;
    if (mkfifo(fifo, 0622) < 0)
        return rlx_error(err, errno, "mkfifo %s", fifo);
    return 0;
}

/* The record first, before liblxc runs: a dir with state.json then always has it, a dir with
 * neither was left by a create that made nothing else yet, and a create that dies half-way can
 * still be deleted with --force, since the cgroups record says where liblxc put things. */
static int record_creating(struct rlx_create *c, rlx_error_t *err)
{
    struct rlx_state *st = &c->st;
    const struct rlx_spec *spec = c->spec;
    st->id = xstrdup(c->id);
    st->oci_version = xstrdup(spec->oci_version);
    st->bundle = xstrdup(c->bundle);
    st->rootfs = xstrdup(spec->root_path);
    st->created = now_rfc3339();
    st->owner = xstrdup("");
    st->creator_pid = getpid();
    st->creator_starttime = proc_start_time(st->creator_pid, NULL);
    st->annotations = spec->annotations ? json_object_get(spec->annotations) : NULL;
    st->stop_signal = c->out->rich.stop_signal;
    st->shared_pidns = !rlx_spec_has_namespace(spec, CLONE_NEWPID) ||
                       rlx_spec_namespace(spec, CLONE_NEWPID)->path != NULL;
    st->shared_cgroup = c->conf.cgroup_shared;
    st->cgroup_paths = NULL;
    st->systemd_unit = c->sdu.unit ? xstrdup(c->sdu.unit) : NULL;
    for (int k = 0; k < RLX_HOOK_KINDS; k++)
        if (spec->n_hooks[k])
            st->hook_kinds |= 1 << k;
    if (rlx_state_save_cgroups(c->state_dir, c->expected_cg, c->monitor_cg, err) < 0)
        return -1;
    return rlx_state_save(c->state_dir, st, err);
}

/* ---- spawn: the monitor, and runlxc-init under liblxc -------------------------------- */

static int spawn_monitor(struct rlx_create *c, rlx_error_t *err)
{
    struct rlx_monitor_args a;
    if (rlx_init_channel(&c->init_fd, c->sv, err) < 0)
        return -1;
    if (!rlx_probe_subreaper() && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c->handoff) < 0)
        return rlx_error(err, errno, "socketpair");
    a = (struct rlx_monitor_args){c->g, c->id, c->state_dir, c->spec, &c->conf, c->sv[1], c->init_fd,
                                  3 + c->listen_fds + c->o->preserve_fds, c->handoff[0]};
    c->monitor = rlx_monitor_spawn(&a, (int[2]){c->sv[0], c->handoff[1]});
    if (c->monitor < 0)
        return rlx_error(err, errno, "fork");
    close(c->sv[1]);
    c->sv[1] = -1;
    close(c->init_fd);
    c->init_fd = -1;
    return 0;
}

/* Bind sources the container's root cannot look up, bound where it can (bind_staging.h);
 * taken down as soon as init has reported (liblxc's child mounted them by then). */
static int stage_bind_sources(struct rlx_create *c, rlx_error_t *err)
{
    return rlx_bind_staging_make(c->g->root, c->id, c->spec, &c->conf, &c->staged_binds, err);
}

static int unstage_bind_sources(struct rlx_create *c, rlx_error_t *err)
{
    (void)err;
    if (c->staged_binds)
        rlx_bind_staging_remove(c->g->root, c->id);
    c->staged_binds = false;
    return 0;
}

/* ---- wait: init's configuration out, its pid (or liblxc's failure) back -------------- */

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

/* --debug: liblxc's own log of the start (at DEBUG level then) goes into runlxc's, as runc's
 * debug log carries its nsexec lines. */
static void forward_lxc_log(const struct rlx_create *c)
{
    cleanup_free char *path = NULL, *text = NULL;
    char *line, *save = NULL;
    rlx_error_t e = NULL;
    if (!c->g->debug)
        return;
    path = xasprintf("%s/lxc.log", c->state_dir);
    text = read_file(path, NULL, &e);
    rlx_error_release(&e);
    for (line = text ? strtok_r(text, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save))
        rlx_log(c->g, "debug", "liblxc: %s", line);
}

/* init (or liblxc before it) failed: liblxc's first logged error. */
static int report_start_failure(const struct rlx_create *c, rlx_error_t *err)
{
    cleanup_free char *reason = lxc_log_reason(c->state_dir);
    /* lxcfs that died after plan's check makes liblxc's bind of its files fail */
    if (c->st.lxcfs_mountpoint && rlx_lxcfs_probe(c->st.lxcfs_mountpoint, NULL) != 1)
        return rlx_error(err, 0, "lxcfs at %s died during create (restart it: runlxc lxcfs start); liblxc could "
                         "not start the container: %s", c->st.lxcfs_mountpoint, reason ? reason : "no reason logged");
    return rlx_error(err, 0, "liblxc could not start the container: %s",
                     reason ? reason : "no reason logged (run with --debug and see lxc.log)");
}

/* The process liblxc cloned as the container's init: the monitor's child among pid's
 * ancestors (the mount hook runs under /bin/sh -c, forked by it). */
static pid_t init_above(pid_t pid, pid_t monitor)
{
    for (int depth = 0; pid > 1 && depth < 16; depth++) {
        pid_t parent = proc_parent(pid);
        if (parent == monitor)
            return pid;
        pid = parent;
    }
    return -1;
}

/* liblxc's mount hook asks (cmd_hook.c): prestart and createRuntime run here, in the
 * runtime's namespaces, with init's host pid in the state, as runc runs them; the answer
 * carries that state and the createContainer hooks, which the hook runs in the container's. */
static int run_runtime_hooks(void *ctx, pid_t sender, int reply_fd, rlx_error_t *err)
{
    struct rlx_create *c = ctx;
    const struct rlx_spec *s = c->spec;
    struct json_object *root, *hooks, *cc = NULL;
    cleanup_free char *sj = NULL;
    const char *cc_text;
    pid_t init = init_above(sender, c->monitor);
    int r;

    c->st.pid = init;
    if (init <= 0)
        r = rlx_error(err, 0, "hooks: liblxc's mount hook (pid %d) is not in this container", (int)sender);
    else
        r = c->conf.cgroup_placed_by_runlxc ? place_init(c, init, err) : 0;
    if (r == 0) {
        bool any = s->n_hooks[RLX_HOOK_PRESTART] || s->n_hooks[RLX_HOOK_CREATE_RUNTIME] ||
                   s->n_hooks[RLX_HOOK_CREATE_CONTAINER];
        sj = any ? rlx_state_json_text(&c->st, "creating") : xstrdup("{}");
        r = rlx_hooks_run(s->hooks[RLX_HOOK_PRESTART], s->n_hooks[RLX_HOOK_PRESTART], "prestart", sj, err);
    }
    if (r == 0)
        r = rlx_hooks_run(s->hooks[RLX_HOOK_CREATE_RUNTIME], s->n_hooks[RLX_HOOK_CREATE_RUNTIME], "createRuntime",
                          sj, err);
    if (r < 0) {
        rlx_msg_send(reply_fd, MSG_ERROR, "", 0, -1);
        return r;
    }
    /* createContainer's hooks as config.json has them, for the callback to parse. Without
     * hooks (a callback only to place the cgroups) neither config nor state is serialized: a
     * config of 100 MB of annotations makes a state as large. */
    root = s->n_hooks[RLX_HOOK_CREATE_CONTAINER] ? json_tokener_parse(c->config_text) : NULL;
    if (root && json_object_object_get_ex(root, "hooks", &hooks))
        json_object_object_get_ex(hooks, "createContainer", &cc);
    cc_text = cc ? json_object_to_json_string_ext(cc, JSON_C_TO_STRING_PLAIN) : "[]";
    if (rlx_msg_send(reply_fd, MSG_STATE, sj, strlen(sj), -1) < 0 ||
        rlx_msg_send(reply_fd, MSG_CONFIG, cc_text, strlen(cc_text), -1) < 0)
        r = rlx_error(err, errno, "hooks: answer liblxc's mount hook");
    json_object_put(root);
    return r;
}

/* If init never comes up, the send fails or the handshake sees EOF: both reported. */
static int wait_for_init(struct rlx_create *c, rlx_error_t *err)
{
    struct rlx_seccomp_agent agent = {&c->seccomp, &c->st, "creating"};
    struct rlx_hook_server hooks = {run_runtime_hooks, c};
    struct rlx_buf msg = {0};
    int type;

    rlx_init_records_process(&msg, &c->spec->process, c->listen_fds, c->listen_fds + c->o->preserve_fds,
                             &c->seccomp);
    rlx_init_records_container(&msg, c->spec, c->layout.mode != RLX_CGROUP_V2);
    if (c->conf.sysctl_by_init)
        rlx_init_records_sysctl(&msg, c->spec);
    if (c->conf.init_unshares_cgroupns)
        rlx_buf_add(&msg, REC_CGROUPNS, "1");
    for (size_t i = 0; c->conf.init_mount_propagation && c->conf.init_mount_propagation[i]; i++)
        rlx_buf_add(&msg, REC_MOUNT_PROP, c->conf.init_mount_propagation[i]);
    c->has_agent = exec_needs_agent(c->spec);
    if (c->has_agent) {
        /* The agent's socket: a host path in the state dir (0700, never inside the container). */
        cleanup_free char *path = xasprintf("%s/agent.sock", c->state_dir);
        c->agent_fd = rlx_unix_listen("exec agent socket", path, err);
        if (c->agent_fd < 0) {
            rlx_buf_free(&msg);
            return -1;
        }
    }
    rlx_msg_send(c->sv[0], MSG_CONFIG, msg.data, msg.len, c->agent_fd);
    rlx_buf_free(&msg);
    if (c->agent_fd >= 0) {
        close(c->agent_fd);
        c->agent_fd = -1;
    }
    type = rlx_init_handshake(c->sv[0], c->o->console_socket, &c->out->pty_master, &agent, &hooks, &c->init_pid, err);
    forward_lxc_log(c);
    if (type == 0)
        rlx_log(c->g, "debug", "init: closing the pipe to signal completion (runlxc-init %d is ready)", (int)c->init_pid);
    if (type == -1)
        return -1;
    if (type == -2)
        return report_start_failure(c, err);
    if (c->init_pid <= 0)
        return rlx_error(err, 0, "container init did not report its pid");
    return 0;
}

/* ---- hand off: init to the caller's subreaper (or to its minimal parent) ------------- */

static int hand_off_init(struct rlx_create *c, rlx_error_t *err)
{
    /* Where liblxc put its monitor, to remove that cgroup once the monitor is gone. */
    c->expected_monitor_cg = c->monitor_cg;
    c->monitor_cg = c->conf.monitor_cgroup_dir
                        ? rlx_cgroup_paths_of_pid(c->monitor, &c->layout, c->conf.monitor_cgroup_dir)
                        : NULL;
    if (c->handoff[1] >= 0) {
        /* No subreaper here: the monitor becomes init's minimal parent and stays. */
        char ack;
        if (write(c->handoff[1], &c->init_pid, sizeof(c->init_pid)) != sizeof(c->init_pid) ||
            kill(c->monitor, SIGWINCH) < 0 || poll(&(struct pollfd){c->handoff[1], POLLIN, 0}, 1, 5000) != 1 ||
            read(c->handoff[1], &ack, 1) != 1)
            return rlx_error(err, errno, "hand init over to its minimal parent (runlxc-init reap)");
        c->out->reaper = c->monitor;
    } else {
        kill(c->monitor, SIGKILL);
        waitpid(c->monitor, NULL, 0);
        c->monitor_cg_gone = rlx_cgroup_destroy(c->monitor_cg) == 0;
    }
    c->monitor = -1;
    return 0;
}

/* ---- adopt: what runlxc puts around the running init --------------------------------- */

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

/* Writes the device rules again into the v1 devices cgroup, which the scope's start reset. */
static int rewrite_v1_device_rules(char **paths, char **rules, const bool *allow, size_t n, rlx_error_t *err)
{
    cleanup_free char *file = rlx_cgroup_find_file(paths, "devices.allow");
    char *slash = file ? strrchr(file, '/') : NULL;
    if (slash == NULL)
        return 0;
    *slash = '\0';
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *f = xasprintf("%s/devices.%s", file, allow[i] ? "allow" : "deny");
        if (write_file(f, rules[i], err) < 0)
            return rlx_error_wrap(err, "linux.resources.devices");
    }
    return 0;
}

/* systemd adopts the cgroup liblxc made and put init in (design note 21): a scope with
 * Delegate=yes, the spec's resources as unit properties and a device policy equal to the
 * spec's rules. Starting it writes systemd's own view of every controller file, so the spec's
 * values are written again afterwards, as the cgroupfs driver left them. */
static int start_systemd_scope(struct rlx_create *c, rlx_error_t *err)
{
    const struct rlx_cgroup_layout *l = &c->layout;
    char **rules, **paths = c->st.cgroup_paths;
    bool *allow, all;
    size_t n = device_rules(&c->conf, &rules, &allow), n_dev = 0;
    struct rlx_sd_device *dev = rlx_sd_devices_from_rules(rules, allow, n, &n_dev, &all);
    int r = rlx_sd_start_scope(c->sd, &c->sdu, c->init_pid, &c->spec->resources, l, all ? NULL : dev, n_dev, err);
    if (r == 0)
        r = rlx_resources_write(&c->spec->resources, l, paths, err);
    if (r == 0 && n > 0 && l->mode != RLX_CGROUP_V2)
        r = rewrite_v1_device_rules(paths, rules, allow, n, err);
    rlx_sd_devices_free(dev, n_dev);
    strv_free(rules);
    free(allow);
    return r;
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
        if (de->d_name[0] < '1' || de->d_name[0] > '9')
            continue;
        if (proc_parent((pid_t)atoi(de->d_name)) == init_pid)
            moved = rlx_cgroup_escape_freezer(cgroup_paths, (pid_t)atoi(de->d_name)) == 0;
    }
    if (d)
        closedir(d);
    return moved;
}

static int adopt_init(struct rlx_create *c, rlx_error_t *err)
{
    struct rlx_state *st = &c->st;
    st->pid = c->init_pid;
    st->starttime = proc_start_time(c->init_pid, NULL);
    if (c->conf.cgroup_placed_by_runlxc) {
        if (place_init(c, c->init_pid, err) < 0)
            return -1;
        rlx_cgroup_place_remove(c->liblxc_cg);
    }
    st->cgroup_paths = rlx_cgroup_paths_of_pid(c->init_pid, &c->layout, c->conf.cgroup_dir);
    if (c->sd && start_systemd_scope(c, err) < 0)
        return -1;
    if (c->has_agent)
        st->agent_unfrozen = agent_escape_freezer(c->init_pid, st->cgroup_paths);
    if (c->n_ttys > 0) {
        if (rlx_ttys_listen(&c->ttys, c->state_dir, err) < 0 ||
            (c->tty_holder = rlx_ttys_hold(&c->ttys, c->init_pid, st->starttime, err)) < 0)
            return -1;
        st->tty_holder_pid = c->tty_holder;
        st->tty_holder_starttime = proc_start_time(c->tty_holder, NULL);
    }
    return 0;
}

/* ---- record: the state of a created container ---------------------------------------- */

static int record_created(struct rlx_create *c, rlx_error_t *err)
{
    struct rlx_state *st = &c->st;
    /* The cgroups record written before start usually holds these paths already. */
    bool record_cgroups = !strv_same_set(st->cgroup_paths, c->expected_cg) ||
                          !strv_same_set(c->monitor_cg, c->expected_monitor_cg);
    if (record_cgroups && rlx_state_save_cgroups(c->state_dir, st->cgroup_paths, c->monitor_cg, err) < 0)
        return -1;
    /* Removed monitor cgroups need no more work from delete. */
    if (!c->monitor_cg_gone) {
        st->monitor_cgroup_paths = c->monitor_cg;
        c->monitor_cg = NULL;
    }
    if (rlx_state_save(c->state_dir, st, err) < 0)
        return -1;
    if (c->spec->n_hooks[RLX_HOOK_START_CONTAINER]) {
        cleanup_free char *sj = rlx_state_json_text(st, "created");
        rlx_msg_send(c->sv[0], MSG_STATE, sj, strlen(sj), -1);
    }
    if (c->o->pid_file && rlx_write_pid_file(c->o->pid_file, c->init_pid, err) < 0)
        return -1;
    c->out->pid = c->init_pid;
    return 0;
}

/* ---- undo and release ---------------------------------------------------------------- */

/* Takes down, in reverse, what the stages made before one failed. */
static void create_undo(struct rlx_create *c)
{
    if (c->monitor > 0)
        rlx_monitor_retire(c->monitor, c->sv[0]);
    if (c->staged_binds)
        rlx_bind_staging_remove(c->g->root, c->id);
    if (c->made_dir && c->st.cgroup_paths) {
        rlx_teardown_leftovers(c->state_dir, c->st.cgroup_paths,
                               c->st.monitor_cgroup_paths ? c->st.monitor_cgroup_paths : c->monitor_cg, c->init_pid,
                               c->st.shared_cgroup && !c->st.shared_pidns);
        rlx_cgroup_place_remove(c->liblxc_cg);
    } else if (c->made_dir) {
        /* init never reported: liblxc removed its cgroups itself; only empty dirs may remain.
         * Plain rmdir: whatever has members there is not ours. */
        if (c->init_pid > 0)
            kill(c->init_pid, SIGKILL);
        if (c->conf.cgroup_placed_by_runlxc && !c->conf.cgroup_shared)
            rlx_cgroup_destroy(c->expected_cg);   /* ours, and init may be dying there */
        rlx_cgroup_place_remove(c->liblxc_cg);
        rlx_cgroup_place_remove_failed(c->liblxc_cg_parents, c->liblxc_cg_parents_existed,
                                       c->conf.liblxc_cgroup_dir ? strrchr(c->conf.liblxc_cgroup_dir, '/') + 1 : c->id);
        for (size_t i = 0; c->expected_cg && c->expected_cg[i]; i++)
            rmdir(c->expected_cg[i]);
        for (size_t i = 0; c->monitor_cg && c->monitor_cg[i]; i++)
            rmdir(c->monitor_cg[i]);
        rm_rf(c->state_dir);
    }
    if (c->made_dir && c->sd && c->st.systemd_unit && rlx_sd_stop_unit(c->sd, c->st.systemd_unit, NULL) < 0)
        rlx_log(c->g, "warning", "unit %s may remain", c->st.systemd_unit);
    if (c->out->pty_master >= 0) {
        close(c->out->pty_master);
        c->out->pty_master = -1;
    }
    if (c->tty_holder > 0) {
        kill(c->tty_holder, SIGKILL);
        waitpid(c->tty_holder, NULL, 0);
    }
}

/* Frees the context on every path. The locks go last but one: liblxc's lock dir of the root
 * can only be pruned once this create no longer holds the root's lock. */
static void create_release(struct rlx_create *c, bool failed)
{
    int *fds[] = {&c->sv[0], &c->sv[1], &c->init_fd, &c->handoff[0], &c->agent_fd, &c->handoff[1], &c->lock,
                  &c->root_lock};
    rlx_ttys_close(&c->ttys);
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
        rlx_closep(fds[i]);
    if (failed && c->made_dir)
        rlx_teardown_lxc_lockdir(c->g->root);
    strv_free(c->monitor_cg);
    strv_free(c->expected_monitor_cg);
    strv_free(c->expected_cg);
    strv_free(c->liblxc_cg);
    strv_free(c->liblxc_cg_parents);
    strv_free(c->liblxc_cg_parents_existed);
    rlx_seccomp_prog_free(&c->seccomp);
    rlx_state_free(&c->st);
    rlx_lxcconf_free(&c->conf);
    rlx_sd_close(c->sd);
    rlx_sd_unit_free(&c->sdu);
    if (c->have_layout)
        rlx_cgroup_layout_free(&c->layout);
    rlx_spec_free(c->spec);
    free(c->state_dir);
    free(c->config_text);
}

/* ---- the pipeline -------------------------------------------------------------------- */

static int listen_fds_count(void)
{
    const char *n = getenv("LISTEN_FDS"), *p = getenv("LISTEN_PID");
    if (n == NULL || p == NULL || atoi(p) != getpid())
        return 0;
    return atoi(n) > 0 ? atoi(n) : 0;
}

/* A stage, and what --debug says as it begins: runc's words where runc's debug log has a line
 * for the same moment (scripts and runc's debug.bats look for them). */
struct create_stage {
    int (*run)(struct rlx_create *c, rlx_error_t *err);
    const char *debug;
};

int rlx_container_create(const struct rlx_global *g, const char *id, const struct rlx_create_opts *o,
                         struct rlx_created *out, rlx_error_t *err)
{
    static const struct create_stage stages[] = {
        {rlx_create_load, "create: load the bundle's config.json"},
        {rlx_create_check, "create: check the spec against this host"},
        {rlx_create_plan, "create: plan the LXC configuration"},
        {make_state_dir, "create: make the state dir"},
        {make_cgroup_places, "create: check the cgroups' places"},
        {make_state_files, "create: write the state files"},
        {record_creating, "create: record the container as creating"},
        {stage_bind_sources, "create: stage bind sources the container's root cannot reach"},
        {spawn_monitor, "=> nsexec container setup: the monitor has liblxc clone the container's process"},
        {wait_for_init, "child process in init(): runlxc-init takes its configuration"},
        {unstage_bind_sources, "create: take the staged bind sources down"},
        {hand_off_init, "create: hand init over to its parent"},
        {adopt_init, "create: adopt init (cgroups, systemd scope)"},
        {record_created, "create: record the container as created"},
    };
    struct rlx_create c = {
        .g = g, .id = id, .o = o, .out = out, .listen_fds = listen_fds_count(),
        .ttys = {.n = 0, .masters = NULL, .slaves = NULL, .listen_fd = -1},
        .root_lock = -1, .lock = -1, .sv = {-1, -1}, .init_fd = -1, .handoff = {-1, -1}, .agent_fd = -1,
        .monitor = -1, .tty_holder = -1,
    };
    int r = 0;

    *out = (struct rlx_created){.pid = 0, .pty_master = -1, .reaper = 0, .rich = {RLX_INIT_NONE, 0}};
    for (size_t i = 0; r == 0 && i < sizeof(stages) / sizeof(stages[0]); i++) {
        rlx_log(g, "debug", "%s (container %s)", stages[i].debug, id);
        r = stages[i].run(&c, err);
    }
    if (r < 0)
        create_undo(&c);
    create_release(&c, r < 0);
    return r < 0 ? -1 : 0;
}
