/* lxcfs: runlxc lxcfs start | stop | status | remount [--all | ID...] | watch [--interval D]
 * start   mounts the distribution's lxcfs (logging to <root>/lxcfs.log)
 * stop    stops that lxcfs, unmounts it and drops its relay entry
 * remount re-binds fresh views into running containers that use lxcfs (after a restart their
 *         old views answer ENOTCONN)
 * watch   does that by itself whenever a new lxcfs instance appears */
#include "cli.h"
#include "lxcfs.h"
#include "state.h"
#include "util.h"
#include <dirent.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

static int remount_one(const struct rlx_global *g, const char *id, bool quiet_if_unused, rlx_error_t *err)
{
    struct rlx_state st;
    int r = 0;
    if (rlx_state_load(g->root, id, &st, err) < 0)
        return -1;
    if (st.lxcfs_mountpoint == NULL) {
        if (!quiet_if_unused)
            r = rlx_error(err, 0, "lxcfs remount: container '%s' does not use lxcfs", id);
    } else if (!rlx_state_init_alive(&st)) {
        if (!quiet_if_unused)
            r = rlx_error(err, 0, "lxcfs remount: container '%s' is not running", id);
    } else if (rlx_lxcfs_remount(st.pid, st.lxcfs_mountpoint, st.lxcfs_targets, st.lxcfs_relay, err) < 0) {
        r = rlx_error_wrap(err, "container '%s'", id);
    } else {
        printf("remounted lxcfs views in %s\n", id);
    }
    rlx_state_free(&st);
    return r;
}

static int remount_all(const struct rlx_global *g, rlx_error_t *err)
{
    DIR *d = opendir(g->root);
    struct dirent *de;
    int r = 0;
    while (d && (de = readdir(d)) != NULL) {
        rlx_error_t e = NULL;
        if (de->d_name[0] == '.')
            continue;
        if (remount_one(g, de->d_name, true, &e) < 0) {
            /* keep going: one broken container must not leave the others blind */
            if (r == 0)
                rlx_error(err, 0, "%s", rlx_error_text(&e));
            r = -1;
        }
        rlx_error_release(&e);
    }
    if (d)
        closedir(d);
    fflush(stdout);
    return r;
}

/* Stops the lxcfs that `lxcfs start` started under this root, and drops its relay entry. */
static int stop_lxcfs(const struct rlx_global *g, rlx_error_t *err)
{
    cleanup_free char *pidfile = xasprintf("%s/lxcfs.log.pid", g->root);
    cleanup_free char *text = read_file(pidfile, NULL, NULL);
    long pid = text ? strtol(text, NULL, 10) : 0;
    if (pid <= 0)
        return rlx_error(err, 0, "lxcfs stop: no lxcfs started by runlxc under %s (%s)", g->root, pidfile);
    if (kill((pid_t)pid, SIGTERM) == 0)
        for (int i = 0; i < 200 && kill((pid_t)pid, 0) == 0; i++)
            nanosleep(&(struct timespec){0, 10000000}, NULL);
    umount2(g->lxcfs_mountpoint, MNT_DETACH);
    rlx_lxcfs_relay_drop(g->lxcfs_mountpoint);
    unlink(pidfile);
    printf("lxcfs at %s stopped\n", g->lxcfs_mountpoint);
    return 0;
}

static volatile sig_atomic_t stop_watch;
static void on_stop(int sig) { (void)sig; stop_watch = 1; }

int cmd_lxcfs(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (strcmp(sub, "start") == 0) {
        cleanup_free char *log = xasprintf("%s/lxcfs.log", g->root);
        pid_t pid;
        if (mkdir_p(g->root, 0711) < 0)
            return rlx_error(err, 0, "lxcfs start: state root %s", g->root);
        if (rlx_lxcfs_start(g->lxcfs_mountpoint, log, &pid, err) < 0)
            return -1;
        printf("lxcfs started at %s (pid %d, log %s)\n", g->lxcfs_mountpoint, pid, log);
        /* containers made later on a kernel without open_tree take their relay from here */
        if (rlx_lxcfs_relay_refresh(g->lxcfs_mountpoint, err) < 0)
            return rlx_error_wrap(err, "lxcfs started, but its relay for remounts");
        return 0;
    }
    if (strcmp(sub, "stop") == 0)
        return stop_lxcfs(g, err);
    if (strcmp(sub, "status") == 0) {
        bool stale;
        int up = rlx_lxcfs_probe(g->lxcfs_mountpoint, &stale);
        printf("lxcfs at %s: %s\n", g->lxcfs_mountpoint, up ? "running" : stale ? "dead (ENOTCONN)" : "not mounted");
        return up ? 0 : rlx_error(err, 0, "lxcfs is not available at %s", g->lxcfs_mountpoint);
    }
    if (strcmp(sub, "remount") == 0) {
        if (argc < 3)
            return rlx_error(err, 0, "lxcfs remount: give container ids or --all");
        if (strcmp(argv[2], "--all") == 0)
            return remount_all(g, err);
        for (int i = 2; i < argc; i++)
            if (remount_one(g, argv[i], false, err) < 0)
                return -1;
        return 0;
    }
    if (strcmp(sub, "watch") == 0) {
        long interval_ms = 1000;
        unsigned long long seen;
        if (argc >= 4 && strcmp(argv[2], "--interval") == 0) {
            interval_ms = (long)(strtod(argv[3], NULL) * 1000);
            if (interval_ms <= 0)
                return rlx_error(err, 0, "lxcfs watch: --interval '%s' is not a number of seconds", argv[3]);
        }
        signal(SIGTERM, on_stop);
        signal(SIGINT, on_stop);
        seen = rlx_lxcfs_instance(g->lxcfs_mountpoint);
        printf("watching lxcfs at %s\n", g->lxcfs_mountpoint);
        fflush(stdout);
        while (!stop_watch) {
            unsigned long long now = rlx_lxcfs_instance(g->lxcfs_mountpoint);
            if (now != 0 && now != seen) {
                rlx_error_t e = NULL;
                printf("new lxcfs instance at %s: remounting\n", g->lxcfs_mountpoint);
                if (remount_all(g, &e) < 0)
                    rlx_log(g, "error", "lxcfs watch: %s", rlx_error_text(&e));
                rlx_error_release(&e);
                fflush(stdout);
            }
            if (now != 0)
                seen = now;
            nanosleep(&(struct timespec){interval_ms / 1000, (interval_ms % 1000) * 1000000}, NULL);
        }
        return 0;
    }
    return rlx_error(err, 0, "lxcfs: unknown subcommand '%s' (start, stop, status, remount, watch)", sub);
}
