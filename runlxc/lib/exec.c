/* exec: a new process inside a running container, entered with setns(2) by runlxc itself
 * (liblxc's attach() needs the monitor that runlxc does not keep). The process is set up by
 * runlxc-init exactly like the container's first process, so both get the same rlimits,
 * capabilities, no_new_privs and seccomp semantics.
 *
 *   runlxc exec ─fork─> C: joins the cgroup and namespaces ─fork─> G: execs runlxc-init
 *   C exits at once; G is reparented to runlxc exec (a subreaper in the foreground) or to the
 *   caller's subreaper (detached, as engines expect from --pid-file). On kernels without
 *   subreapers C stays G's minimal parent instead and exits with G's exit code. */
#include "cgroup.h"
#include "probe.h"
#include "container.h"
#include "init_launch.h"
#include "seccomp_profile.h"
#include "spec.h"
#include "state.h"
#include "supervise.h"
#include "syscalls.h"
#include "util.h"
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

/* Entered in this order: the user namespace first (it grants the rights for the others),
 * the mount namespace last (it changes our root). */
static const struct { const char *name; int flag; } ns_order[] = {
    {"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS}, {"net", CLONE_NEWNET},
    {"pid", CLONE_NEWPID}, {"cgroup", 0x02000000}, {"time", 0x00000080}, {"mnt", CLONE_NEWNS},
};
#define NS_COUNT (sizeof(ns_order) / sizeof(ns_order[0]))

static int open_namespaces(pid_t pid, int fds[NS_COUNT], rlx_error_t *err)
{
    for (size_t i = 0; i < NS_COUNT; i++) {
        char theirs[64], ours[64];
        struct stat a, b;
        fds[i] = -1;
        snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", pid, ns_order[i].name);
        snprintf(ours, sizeof(ours), "/proc/self/ns/%s", ns_order[i].name);
        if (stat(theirs, &a) < 0) {
            if (errno == ENOENT)
                continue;   /* this kernel has no such namespace type */
            return rlx_error(err, errno, "exec: %s", theirs);
        }
        if (stat(ours, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
            continue;       /* shared with us: nothing to enter */
        fds[i] = open(theirs, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0)
            return rlx_error(err, errno, "exec: open %s", theirs);
    }
    return 0;
}

static int apply_overrides(struct rlx_process *p, const struct rlx_exec_opts *o, rlx_error_t *err)
{
    if (o->args == NULL || o->args[0] == NULL)
        return rlx_error(err, 0, "exec: no command given (and no --process)");
    strv_free(p->args);
    p->args = NULL;
    for (size_t i = 0; o->args[i]; i++)
        strv_push(&p->args, o->args[i]);
    if (o->cwd) {
        if (o->cwd[0] != '/')
            return rlx_error(err, 0, "exec: --cwd '%s' must be an absolute path", o->cwd);
        free(p->cwd);
        p->cwd = xstrdup(o->cwd);
    }
    for (size_t i = 0; o->env && o->env[i]; i++) {
        const char *eq = strchr(o->env[i], '=');
        size_t klen = eq ? (size_t)(eq - o->env[i]) : 0;
        bool replaced = false;
        if (eq == NULL || klen == 0)
            return rlx_error(err, 0, "exec: --env '%s' is not KEY=VALUE", o->env[i]);
        for (size_t j = 0; p->env && p->env[j]; j++)
            if (strncmp(p->env[j], o->env[i], klen + 1) == 0) {
                free(p->env[j]);
                p->env[j] = xstrdup(o->env[i]);
                replaced = true;
            }
        if (!replaced)
            strv_push(&p->env, o->env[i]);
    }
    if (o->user) {
        char *end;
        unsigned long uid = strtoul(o->user, &end, 10), gid = p->gid;
        if (end == o->user || (*end && *end != ':'))
            return rlx_error(err, 0, "exec: --user '%s' is not uid[:gid]", o->user);
        if (*end == ':') {
            char *end2;
            gid = strtoul(end + 1, &end2, 10);
            if (end2 == end + 1 || *end2)
                return rlx_error(err, 0, "exec: --user '%s' is not uid[:gid]", o->user);
        }
        p->uid = (uid_t)uid;
        p->gid = (gid_t)gid;
    }
    for (size_t i = 0; o->additional_gids && o->additional_gids[i]; i++) {
        char *end;
        unsigned long g = strtoul(o->additional_gids[i], &end, 10);
        if (end == o->additional_gids[i] || *end)
            return rlx_error(err, 0, "exec: --additional-gids '%s' is not a gid", o->additional_gids[i]);
        p->additional_gids = xrealloc(p->additional_gids, (p->n_additional_gids + 1) * sizeof(gid_t));
        p->additional_gids[p->n_additional_gids++] = (gid_t)g;
    }
    for (size_t i = 0; o->caps && o->caps[i]; i++) {
        char lower[64];
        cap_value_t cap;
        snprintf(lower, sizeof(lower), "%s", o->caps[i]);
        for (char *c = lower; *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        if (cap_from_name(lower, &cap) < 0)
            return rlx_error(err, 0, "exec: --cap '%s' is not a capability", o->caps[i]);
        p->has_caps = true;
        p->caps[RLX_CAP_BOUNDING] |= UINT64_C(1) << cap;
        p->caps[RLX_CAP_EFFECTIVE] |= UINT64_C(1) << cap;
        p->caps[RLX_CAP_PERMITTED] |= UINT64_C(1) << cap;
    }
    if (o->no_new_privs)
        p->no_new_privileges = true;
    if (o->apparmor && *o->apparmor)
        return rlx_error(err, 0, "exec: --apparmor: AppArmor is not enabled on this host");
    if (o->process_label && *o->process_label)
        return rlx_error(err, 0, "exec: --process-label: SELinux is not supported by runlxc on this host");
    p->terminal = o->tty;
    return 0;
}

static int load_process_file(const char *path, struct rlx_process *p, rlx_error_t *err)
{
    cleanup_free char *text = read_file(path, NULL, err);
    struct json_object *o;
    int r;
    if (text == NULL)
        return -1;
    o = json_tokener_parse(text);
    if (o == NULL || json_object_get_type(o) != json_type_object) {
        json_object_put(o);
        return rlx_error(err, 0, "exec: --process %s: not a JSON object", path);
    }
    r = rlx_spec_parse_process(p, o, err);
    json_object_put(o);
    if (r < 0)
        rlx_error_wrap(err, "exec: --process %s", path);
    return r;
}

/* base joined with add and cleaned lexically ("." and ".." resolved, as Go's path.Join). */
static char *cgroup_join(const char *base, const char *add)
{
    cleanup_free char *joined = xasprintf("%s/%s", base, add);
    char *out = xcalloc(1, strlen(joined) + 2), *save = NULL;
    size_t n = 0;
    for (char *seg = strtok_r(joined, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
        if (strcmp(seg, ".") == 0)
            continue;
        if (strcmp(seg, "..") == 0) {
            while (n > 0 && out[--n] != '/')
                ;
            out[n] = '\0';
            continue;
        }
        n += (size_t)sprintf(out + n, "/%s", seg);
    }
    if (n == 0)
        strcpy(out, "/");
    return out;
}

/* The controllers of the hierarchy path is in ("cpu,cpuacct", "name=systemd"; "" for cgroup2). */
static const char *hierarchy_controllers(const struct rlx_cgroup_layout *l, const char *path)
{
    for (int i = 0; i < l->n; i++) {
        size_t n = strlen(l->h[i].mountpoint);
        if (strncmp(path, l->h[i].mountpoint, n) == 0 && (path[n] == '/' || path[n] == '\0'))
            return l->h[i].controllers;
    }
    return "";
}

static bool comma_list_has(const char *list, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = list; p; p = strchr(p, ','), p = p ? p + 1 : NULL)
        if (strncmp(p, word, len) == 0 && (p[len] == ',' || p[len] == '\0'))
            return true;
    return false;
}

/* The sub-cgroup each hierarchy's path gets from --cgroup [CONTROLLER[,CONTROLLER]:]PATH
 * (repeatable), as runc's getSubCgroupPaths reads them: one PATH alone for every hierarchy,
 * else per controller, a later option winning; NULL where the container's own cgroup stays. */
static int exec_cgroup_subs(char **paths, char **args, const char **subs, rlx_error_t *err)
{
    size_t n_args = strv_len(args);
    struct rlx_cgroup_layout l = {0};
    int r = 0;
    for (size_t a = 0; r == 0 && a < n_args; a++) {
        const char *colon = strchr(args[a], ':');
        if (colon && strchr(colon + 1, ':'))
            r = rlx_error(err, 0, "exec: invalid --cgroup argument: %s", args[a]);
        else if (!colon && n_args != 1)
            r = rlx_error(err, 0, "exec: invalid --cgroup argument: %s (missing <controller>: prefix)", args[a]);
    }
    if (r < 0 || n_args == 0)
        return r;
    if (n_args == 1 && !strchr(args[0], ':')) {
        for (size_t i = 0; paths && paths[i]; i++)
            subs[i] = args[0];
        return 0;
    }
    if (rlx_cgroup_layout_load(&l) < 0)
        return rlx_error(err, 0, "exec: --cgroup: no cgroup hierarchy is mounted");
    for (size_t a = 0; r == 0 && a < n_args; a++) {
        const char *colon = strchr(args[a], ':');
        cleanup_free char *ctrls = xstrndup(args[a], (size_t)(colon - args[a]));
        char *save = NULL;
        /* ":PATH" names no controller: runc takes it as PATH for every hierarchy. */
        for (size_t i = 0; colon == args[a] && paths && paths[i]; i++)
            subs[i] = colon + 1;
        for (char *c = strtok_r(ctrls, ",", &save); r == 0 && c; c = strtok_r(NULL, ",", &save)) {
            bool known = false;
            for (size_t i = 0; paths && paths[i]; i++)
                if (comma_list_has(hierarchy_controllers(&l, paths[i]), c)) {
                    subs[i] = colon + 1;
                    known = true;
                }
            if (!known)
                r = rlx_error(err, 0, "exec: unknown controller %s in SubCgroupPaths", c);
        }
    }
    rlx_cgroup_layout_free(&l);
    return r;
}

/* The cgroups exec joins: the container's, or sub-cgroups of them by --cgroup (libcontainer's
 * SubCgroupPaths), refused in runc's words. */
static char **exec_cgroup_paths(char **paths, char **args, rlx_error_t *err)
{
    size_t n = strv_len(paths);
    cleanup_free const char **subs = xcalloc(n + 1, sizeof(*subs));
    char **out = NULL;
    if (exec_cgroup_subs(paths, args, subs, err) < 0)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *p = NULL;
        size_t blen = strlen(paths[i]);
        if (subs[i] == NULL) {
            strv_push(&out, paths[i]);
            continue;
        }
        p = cgroup_join(paths[i], subs[i]);
        if (strncmp(p, paths[i], blen) != 0 || (p[blen] != '\0' && p[blen] != '/')) {
            strv_free(out);
            rlx_error(err, 0, "exec: %s is not a sub cgroup path", subs[i]);
            return NULL;
        }
        if (!path_exists(p)) {
            strv_free(out);
            rlx_error(err, 0, "exec: error adding pid to cgroups: %s/cgroup.procs: no such file or directory", p);
            return NULL;
        }
        strv_push(&out, p);
    }
    return out;
}

/* The cgroup2 directory init is in now, below the container's cgroup dir cg (a rich
 * container's systemd moves itself into init.scope), or NULL. /proc/PID/cgroup names it from
 * our cgroup namespace's root; cg ends with that path's leading part. */
static char *init_cgroup2_below(pid_t init_pid, const char *cg)
{
    char path[64], *line = NULL, *out = NULL;
    size_t cap = 0;
    snprintf(path, sizeof(path), "/proc/%d/cgroup", init_pid);
    cleanup_file FILE *f = fopen(path, "re");
    while (f && out == NULL && getline(&line, &cap, f) > 0) {
        const char *p = line + 3;
        if (strncmp(line, "0::", 3) != 0)
            continue;
        line[strcspn(line, "\n")] = '\0';
        for (const char *c = strchr(cg, '/'); c && out == NULL; c = strchr(c + 1, '/')) {
            size_t n = strlen(c);
            if (strncmp(p, c, n) == 0 && p[n] == '/' && !path_has_dotdot(p + n))
                out = xasprintf("%s%s", cg, p + n);
        }
    }
    free(line);
    return out;
}

static int join_cgroups(pid_t pid, pid_t init_pid, char **cgroups, rlx_error_t *err)
{
    char pid_s[24];
    snprintf(pid_s, sizeof(pid_s), "%d", pid);
    for (size_t i = 0; cgroups && cgroups[i]; i++) {
        cleanup_free char *procs = xasprintf("%s/cgroup.procs", cgroups[i]);
        if (write_file(procs, pid_s, err) < 0) {
            /* As runc: on cgroup v2 a container whose init enabled controllers for cgroups
             * of its own (an init) has no processes in its root (EBUSY); join init's. */
            cleanup_free char *below = init_cgroup2_below(init_pid, cgroups[i]);
            cleanup_free char *procs2 = below ? xasprintf("%s/cgroup.procs", below) : NULL;
            rlx_error_t e2 = NULL;
            if (procs2 && write_file(procs2, pid_s, &e2) == 0) {
                rlx_error_release(err);
                continue;
            }
            rlx_error_release(&e2);
            return rlx_error_wrap(err, "exec: join the container's cgroup");
        }
    }
    return 0;
}

/* C: runs in a fork of runlxc exec. */
static void __attribute__((noreturn)) enter_and_spawn(int sync_fd, int init_fd, int first_free, int nsfds[NS_COUNT],
                                                      bool stay)
{
    char sync_s[16], path[64];
    pid_t g;

    rlx_reset_signals();
    /* G below is a copy of runlxc in the container's pid namespace until it execs
     * runlxc-init (which makes itself non-dumpable again): CVE-2016-9962. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    sync_fd = fd_move_above(sync_fd, first_free);
    init_fd = fd_move_above(init_fd, first_free);
    if (sync_fd < 0 || init_fd < 0)
        _exit(1);
    for (size_t i = 0; i < NS_COUNT; i++)
        if (nsfds[i] >= 0 && rlx_setns(nsfds[i], ns_order[i].flag) < 0)
            rlx_msg_fail(sync_fd, "exec: enter the container's %s namespace: %s%s", ns_order[i].name, strerror(errno),
                       errno == ENOSYS || errno == EINVAL ? " (this kernel cannot setns into it)" : "");
    /* In a container's user namespace our host root is unmapped: become its root, so that
     * runlxc-init keeps the capabilities it needs to set the process up. */
    if (nsfds[0] >= 0 && (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
        rlx_msg_fail(sync_fd, "exec: become root of the container's user namespace: %s", strerror(errno));
    if (chdir("/") < 0)
        rlx_msg_fail(sync_fd, "exec: chdir / in the container: %s", strerror(errno));
    /* Only a child of ours is born into the pid namespace we entered. */
    g = fork();
    if (g < 0)
        rlx_msg_fail(sync_fd, "exec: fork: %s", strerror(errno));
    if (g > 0 && stay) {
        sigset_t all;
        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, NULL);
        close(sync_fd);
        close(init_fd);
        for (int i = 0; i < 3; i++)
            close(i);   /* G holds the caller's stdio, we must not keep it open after G */
        rlx_close_fds_from(3);
        _exit(wait_child_code(g));
    }
    if (g > 0)
        _exit(0);
    snprintf(sync_s, sizeof(sync_s), "%d", sync_fd);
    {
        char *argv[] = {(char *)"runlxc-init", sync_s, (char *)"-1", NULL};
        char *envp[] = {NULL};
        int fl = fcntl(sync_fd, F_GETFD);
        fcntl(sync_fd, F_SETFD, fl & ~FD_CLOEXEC);
#ifdef SYS_execveat
        syscall(SYS_execveat, init_fd, "", argv, envp, AT_EMPTY_PATH);
#endif
        /* Kernels before 3.19: through the container's /proc. */
        snprintf(path, sizeof(path), "/proc/self/fd/%d", init_fd);
        fcntl(init_fd, F_SETFD, 0);
        execve(path, argv, envp);
        rlx_msg_fail(sync_fd, "exec: start runlxc-init in the container: %s", strerror(errno));
    }
}

/* Kernels where setns(2) cannot enter the container: its agent (started by runlxc-init at
 * create) forks the process. We hand it our stdio and preserved fds; the rest of the
 * conversation is the one runlxc-init has on the setns path, plus MSG_EXIT at the end. */
static int agent_connect(const char *path, int preserve_fds, rlx_error_t *err)
{
    /* (create made the socket, so its path fits) */
    int s = rlx_unix_connect("exec: connect to the container's exec agent", path, err);
    if (s < 0)
        return -1;
    setsockopt(s, SOL_SOCKET, SO_PASSCRED, &(int){1}, sizeof(int));
    for (int fd = 0; fd < 3 + preserve_fds; fd++) {
        char n[16];
        int len = snprintf(n, sizeof(n), "%d", fd);
        /* A closed stdio fd stays closed in the process too. */
        if (fcntl(fd, F_GETFD) < 0)
            continue;
        if (rlx_msg_send(s, MSG_FD, n, (size_t)len, fd) < 0) {
            close(s);
            return rlx_error(err, errno, "exec: pass fd %d to the exec agent", fd);
        }
    }
    return s;
}

/* exec as stages over one context, as create (create.h): load, check, spawn, start, wait. */
struct exec_ctx {
    const struct rlx_global *g;
    const char *id;
    const struct rlx_exec_opts *o;
    struct rlx_state st;
    char *dir;
    const char *status;
    struct rlx_spec *spec;
    struct rlx_process proc;            /* --process FILE */
    struct rlx_process *p;              /* what runs: proc, or the spec's with the flags applied */
    struct rlx_seccomp_prog seccomp;
    char **cgroups;
    int nsfds[NS_COUNT], sv[2], init_fd, master, sock;
    pid_t child, pid;                   /* C (0: the agent forks instead) and the process */
    sigset_t all, saved;
    bool blocked, stay;
};

/* The container, its state and its config.json; the flags that need neither, first. */
static int exec_load(struct exec_ctx *x, rlx_error_t *err)
{
    const struct rlx_exec_opts *o = x->o;
    if (o->tty && o->detach && !o->console_socket)
        return rlx_error(err, 0, "exec: cannot allocate tty if runlxc will detach without setting console socket");
    if (o->console_socket && !(o->tty || o->process_path))
        return rlx_error(err, 0, "exec: cannot use console socket if runlxc will not detach or allocate tty");
    if (rlx_state_load(x->g->root, x->id, &x->st, err) < 0)
        return -1;
    x->dir = rlx_state_dir(x->g->root, x->id);
    x->status = rlx_state_status(x->dir, &x->st);
    if (strcmp(x->status, "stopped") == 0 || strcmp(x->status, "creating") == 0)
        return rlx_error(err, 0, "exec: cannot exec in a stopped container '%s'", x->id);
    if (strcmp(x->status, "paused") == 0 && !o->ignore_paused)
        return rlx_error(err, 0, "exec: cannot exec in a paused container '%s' (use --ignore-paused)", x->id);
    x->spec = rlx_container_load_spec(x->dir, x->st.bundle, err);
    return x->spec ? 0 : -1;
}

/* The process to run, checked against the flags and this kernel; its seccomp program and the
 * cgroups it joins. */
static int exec_check(struct exec_ctx *x, rlx_error_t *err)
{
    const struct rlx_exec_opts *o = x->o;
    if (o->process_path) {
        if (load_process_file(o->process_path, &x->proc, err) < 0)
            return -1;
        x->p = &x->proc;
    } else {
        x->p = &x->spec->process;
        if (apply_overrides(x->p, o, err) < 0)
            return -1;
    }
    if (x->p->terminal && !o->console_socket && o->detach)
        return rlx_error(err, 0, "exec: cannot allocate tty if runlxc will detach without setting console socket");
    for (int fd = 3; fd < 3 + o->preserve_fds; fd++) {
        if (fcntl(fd, F_GETFD) < 0)
            return rlx_error(err, errno, "exec: unable to stat preserved-fd %d", fd);
        fcntl(fd, F_SETFD, 0);
    }
    if (rlx_check_process_kernel(x->p, x->spec->has_seccomp, err) < 0)
        return -1;
    if (x->spec->has_seccomp && rlx_seccomp_build(x->spec->seccomp, &x->seccomp, err) < 0)
        return -1;
    x->cgroups = exec_cgroup_paths(x->st.cgroup_paths, o->cgroups, err);
    return x->cgroups == NULL && *err != NULL ? -1 : 0;
}

/* Foreground: the process's signals are ours to forward from here on. */
static void exec_block_signals(struct exec_ctx *x)
{
    if (x->o->detach)
        return;
    rlx_block_forwarded_signals(&x->all, &x->saved);
    x->blocked = true;
}

/* Where setns(2) cannot enter the container, its agent forks the process inside. */
static int exec_spawn_by_agent(struct exec_ctx *x, const char *agent_path, rlx_error_t *err)
{
    if (strcmp(x->status, "paused") == 0 && !x->st.agent_unfrozen)
        return rlx_error(err, 0, "exec: cannot exec in paused container '%s' on this kernel: its exec agent "
                         "(setns(2) cannot enter the container here) is frozen with it (cgroup v2, or a container "
                         "created by an older runlxc)", x->id);
    x->sv[0] = agent_connect(agent_path, x->o->preserve_fds, err);
    if (x->sv[0] < 0)
        return -1;
    x->stay = false;
    exec_block_signals(x);
    x->child = 0;
    x->sock = x->sv[0];
    return 0;
}

/* C enters the namespaces and forks runlxc-init (G); see the top of this file. */
static int exec_spawn(struct exec_ctx *x, rlx_error_t *err)
{
    char *agent_path = xasprintf("%s/agent.sock", x->dir);
    if (path_exists(agent_path)) {
        int r = exec_spawn_by_agent(x, agent_path, err);
        free(agent_path);
        return r;
    }
    free(agent_path);   /* before the fork: C execs and never returns to free it */
    if (open_namespaces(x->st.pid, x->nsfds, err) < 0 || rlx_init_channel(&x->init_fd, x->sv, err) < 0)
        return -1;
    /* The process is reparented to us when C exits. */
    if (!x->o->detach)
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    exec_block_signals(x);
    x->child = fork();
    if (x->child < 0)
        return rlx_error(err, errno, "exec: fork");
    if (x->child == 0) {
        close(x->sv[0]);
        enter_and_spawn(x->sv[1], x->init_fd, 3 + x->o->preserve_fds, x->nsfds, x->stay);
    }
    close(x->sv[1]);
    x->sv[1] = -1;
    x->sock = x->sv[0];
    return 0;
}

/* The process's configuration out, its pid back; then it joins the container's cgroup, after
 * its setup and before it execs the payload (it waits for our go): in a paused container it
 * then freezes as the payload, not half-way through runlxc's work. */
static int exec_start(struct exec_ctx *x, rlx_error_t *err)
{
    struct rlx_seccomp_agent agent = {&x->seccomp, &x->st, x->status};
    struct rlx_buf msg = {0};
    int r;

    rlx_init_records_process(&msg, x->p, 0, x->o->preserve_fds, &x->seccomp);
    rlx_buf_add(&msg, REC_WANT_STATE, "1");
    rlx_msg_send(x->sock, MSG_CONFIG, msg.data, msg.len, -1);
    rlx_buf_free(&msg);
    r = rlx_init_handshake(x->sock, x->o->console_socket, x->o->detach ? NULL : &x->master, &agent, NULL, &x->pid, err);
    if (x->child > 0 && (!x->stay || r < 0))
        waitpid(x->child, NULL, 0);
    if (r == -2)
        return rlx_error(err, 0, "exec: the process could not be started in container '%s'", x->id);
    if (r < 0)
        return -1;
    if (join_cgroups(x->pid, x->st.pid, x->cgroups, err) < 0 || rlx_msg_send(x->sock, MSG_STATE, "{}", 2, -1) < 0) {
        if (*err == NULL)
            rlx_error(err, errno, "exec: release the process");
        kill(x->pid, SIGKILL);
        return -1;
    }
    if (x->o->pid_file && rlx_write_pid_file(x->o->pid_file, x->pid, err) < 0) {
        kill(x->pid, SIGKILL);
        return -1;
    }
    return 0;
}

/* Foreground: relays signals and the terminal until the process exits; its exit code. */
static int exec_wait(struct exec_ctx *x, rlx_error_t *err)
{
    int r, sfd = signalfd(-1, &x->all, SFD_CLOEXEC);
    if (sfd < 0) {
        rlx_error(err, errno, "exec: signalfd");
        kill(x->pid, SIGKILL);
        return -1;
    }
    r = rlx_supervise(x->pid, x->stay ? x->child : 0, x->child == 0 ? x->sock : -1, x->master, sfd);
    close(sfd);
    return r;
}

static void exec_release(struct exec_ctx *x)
{
    int *fds[] = {&x->master, &x->sv[0], &x->sv[1], &x->init_fd};
    if (x->blocked)
        sigprocmask(SIG_SETMASK, &x->saved, NULL);
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
        rlx_closep(fds[i]);
    for (size_t i = 0; i < NS_COUNT; i++)
        rlx_closep(&x->nsfds[i]);
    strv_free(x->cgroups);
    rlx_seccomp_prog_free(&x->seccomp);
    rlx_process_free(&x->proc);
    rlx_spec_free(x->spec);
    rlx_state_free(&x->st);
    free(x->dir);
}

int rlx_container_exec(const struct rlx_global *g, const char *id, const struct rlx_exec_opts *o, rlx_error_t *err)
{
    struct exec_ctx x = {.g = g, .id = id, .o = o, .sv = {-1, -1}, .init_fd = -1, .master = -1, .sock = -1,
                         .stay = !rlx_probe_subreaper()};
    int ret = -1;

    for (size_t i = 0; i < NS_COUNT; i++)
        x.nsfds[i] = -1;
    rlx_log(g, "debug", "exec: load container %s's state and the process", id);
    bool ok = exec_load(&x, err) == 0 && exec_check(&x, err) == 0;
    if (ok)
        rlx_log(g, "debug", "=> nsexec container setup: exec enters container %s (pid %d)", id, (int)x.st.pid);
    if (ok && (ok = exec_spawn(&x, err) == 0))
        rlx_log(g, "debug", "child process in init(): runlxc-init takes the process's configuration");
    if (ok && (ok = exec_start(&x, err) == 0)) {
        /* runc's setns init says this as it is released to exec the process. */
        rlx_log(g, "debug", "setns_init: about to exec");
        rlx_log(g, "debug", "init: closing the pipe to signal completion (process %d started)", (int)x.pid);
    }
    if (ok && o->detach)
        ret = 0;
    else if (ok) {
        ret = exec_wait(&x, err);
        rlx_log(g, "debug", "exec: process %d exited with status %d", (int)x.pid, ret);
    }
    exec_release(&x);
    return ret;
}
