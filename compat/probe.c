#include "probe.h"
#include "syscalls.h"
#include <errno.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_die(const char *s)
{
    char *r = strdup(s);
    if (r == NULL)
        abort();
    return r;
}

/* Keeps only the controller options of a v1 mount ("rw,relatime,cpu,cpuacct" -> "cpu,cpuacct"). */
static char *v1_controllers(const char *superopts)
{
    static const char *const skip[] = {"rw", "ro", "relatime", "noatime", "nosuid", "nodev", "noexec",
                                       "xattr", "clone_children", "nsdelegate", NULL};
    char *copy = dup_or_die(superopts), *save = NULL, *out = calloc(1, strlen(superopts) + 1);
    if (out == NULL)
        abort();
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        bool drop = strncmp(tok, "release_agent=", 14) == 0;
        for (int i = 0; skip[i] && !drop; i++)
            drop = strcmp(tok, skip[i]) == 0;
        if (drop)
            continue;
        if (*out)
            strcat(out, ",");
        strcat(out, tok);
    }
    free(copy);
    return out;
}

int rlx_cgroup_layout_load(struct rlx_cgroup_layout *l)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char *line = NULL;
    size_t cap = 0;
    int has_v1 = 0;

    memset(l, 0, sizeof(*l));
    l->unified = -1;
    if (f == NULL)
        return -1;
    while (getline(&line, &cap, f) > 0 && l->n < RLX_MAX_HIERARCHIES) {
        char mnt[4096], fstype[64], superopts[1024];
        char *sep = strstr(line, " - ");
        /* fields: id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
        if (sep == NULL || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
            sscanf(sep + 3, "%63s %*s %1023s", fstype, superopts) != 2)
            continue;
        if (strcmp(fstype, "cgroup") == 0) {
            l->h[l->n].mountpoint = dup_or_die(mnt);
            l->h[l->n].controllers = v1_controllers(superopts);
            l->h[l->n].v2 = false;
            l->n++;
            has_v1 = 1;
        } else if (strcmp(fstype, "cgroup2") == 0 && l->unified < 0) {
            char path[4200];
            FILE *c;
            l->h[l->n].mountpoint = dup_or_die(mnt);
            l->h[l->n].controllers = dup_or_die("");
            l->h[l->n].v2 = true;
            l->unified = l->n++;
            snprintf(path, sizeof(path), "%s/cgroup.controllers", mnt);
            c = fopen(path, "re");
            if (c) {
                char buf[1024] = "";
                if (fgets(buf, sizeof(buf), c))
                    buf[strcspn(buf, "\n")] = '\0';
                l->v2_controllers = dup_or_die(buf);
                fclose(c);
            }
        }
    }
    free(line);
    fclose(f);
    if (l->v2_controllers == NULL)
        l->v2_controllers = dup_or_die("");
    if (l->n == 0)
        return -1;
    l->mode = !has_v1 ? RLX_CGROUP_V2 : l->unified >= 0 ? RLX_CGROUP_HYBRID : RLX_CGROUP_V1;
    return 0;
}

void rlx_cgroup_layout_free(struct rlx_cgroup_layout *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->h[i].mountpoint);
        free(l->h[i].controllers);
    }
    free(l->v2_controllers);
    memset(l, 0, sizeof(*l));
    l->unified = -1;
}

static bool list_has(const char *list, const char *item, char sep)
{
    size_t n = strlen(item);
    for (const char *p = list; p && *p;) {
        if (strncmp(p, item, n) == 0 && (p[n] == sep || p[n] == '\0'))
            return true;
        p = strchr(p, sep);
        if (p)
            p++;
    }
    return false;
}

int rlx_cgroup_layout_find(const struct rlx_cgroup_layout *l, const char *controller)
{
    for (int i = 0; i < l->n; i++)
        if (!l->h[i].v2 && list_has(l->h[i].controllers, controller, ','))
            return i;
    if (l->unified >= 0 && list_has(l->v2_controllers, controller, ' '))
        return l->unified;
    return -1;
}

bool rlx_cgroup_controller_is_v2(const struct rlx_cgroup_layout *l, const char *controller)
{
    int i = rlx_cgroup_layout_find(l, controller);
    return i >= 0 && l->h[i].v2;
}

bool rlx_probe_setns(void)
{
    return !(rlx_setns(-1, 0) < 0 && errno == ENOSYS);
}

bool rlx_probe_userns(void)
{
    int status;
    pid_t pid = fork();
    if (pid == 0)
        _exit(unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
