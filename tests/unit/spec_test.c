/* Unit tests for config.json parsing: values land in the typed struct, and every error
 * names the JSON path (or line and column for syntax errors). */
#include "tap.h"
#include "spec.h"
#include "mounts.h"
#include "ttys.h"
#include "util.h"
#include <sched.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/resource.h>

static const char *base =
    "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},\"hostname\":\"h\","
    "\"process\":{\"args\":[\"sh\",\"-c\",\"x\"],\"env\":[\"A=1\"],\"cwd\":\"/w\","
    "\"user\":{\"uid\":5,\"gid\":6,\"additionalGids\":[7,8]},"
    "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":20}],"
    "\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_CHOWN\"],\"effective\":[\"CAP_KILL\"]},"
    "\"noNewPrivileges\":true,\"oomScoreAdj\":-5},"
    "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}],"
    "\"hooks\":{\"poststop\":[{\"path\":\"/bin/true\",\"timeout\":3}]},"
    "\"annotations\":{\"a\":\"b\"},"
    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"}],\"cgroupsPath\":\"/x/y\","
    "\"resources\":{\"memory\":{\"limit\":1048576},\"cpu\":{\"shares\":100,\"cpus\":\"0-1\"},\"pids\":{\"limit\":9},"
    "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"}]},"
    "\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"},\"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\"]}}";

static void expect_error(const char *json, const char *want, const char *what)
{
    rlx_error_t err = NULL;
    struct rlx_spec *s = rlx_spec_parse(json, "/b", &err);
    TAP_OK(s == NULL && err != NULL && strstr(rlx_error_text(&err), want) != NULL, "%s -> \"%s\"", what, want);
    if (err && strstr(rlx_error_text(&err), want) == NULL)
        printf("#   got: %s\n", rlx_error_text(&err));
    rlx_spec_free(s);
    rlx_error_release(&err);
}

/* org.runlxc.ttys: a count from 0 to 63, else an error naming the annotation. */
static void expect_ttys(const char *value, int want)
{
    cleanup_free char *to = value ? xasprintf("\"annotations\":{\"org.runlxc.ttys\":\"%s\"}", value) : xstrdup("\"annotations\":{}");
    cleanup_free char *j = NULL;
    rlx_error_t err = NULL;
    struct rlx_spec *s;
    int n = -2, r;
    const char *p = strstr(base, "\"annotations\":{\"a\":\"b\"}");
    j = xasprintf("%.*s%s%s", (int)(p - base), base, to, p + strlen("\"annotations\":{\"a\":\"b\"}"));
    s = rlx_spec_parse(j, "/b", &err);
    r = s ? rlx_ttys_count(s, &n, &err) : -1;
    if (want >= 0)
        TAP_OK(r == 0 && n == want, "org.runlxc.ttys '%s' is %d ttys", value ? value : "(none)", want);
    else
        TAP_OK(r < 0 && strstr(rlx_error_text(&err), "annotations.org.runlxc.ttys") &&
               strstr(rlx_error_text(&err), "from 0 to 63"), "org.runlxc.ttys '%s' is refused by name", value);
    rlx_spec_free(s);
    rlx_error_release(&err);
}

static void expect_filtered(const char *in, bool pending_in, const char *want, int want_r, bool want_pending)
{
    char out[64];
    size_t n = 0;
    bool pending = pending_in;
    int r = rlx_ttys_filter_escape(in, strlen(in), out, &n, 1, &pending);
    out[n] = '\0';
    TAP_OK(r == want_r && strcmp(out, want) == 0 && pending == want_pending,
           "console escape: %zu bytes in (pending %d) give %zu out, detach %d, pending %d", strlen(in), pending_in,
           strlen(want), want_r, want_pending);
}

static char *with(const char *from, const char *to);

/* runc's device access: the set of r, w, m named, any order, other letters ignored. */
static void expect_access(const char *access, const char *want)
{
    cleanup_free char *to = xasprintf("\"access\":\"%s\"", access);
    cleanup_free char *j = with("\"access\":\"rw\"", to);
    rlx_error_t err = NULL;
    struct rlx_spec *s = rlx_spec_parse(j, "/b", &err);
    TAP_OK(s && strcmp(s->resources.devices[1].access, want) == 0, "device access '%s' is '%s'", access, want);
    rlx_spec_free(s);
    rlx_error_release(&err);
}

/* base with one substitution: replaces the first occurrence of from with to */
static char *with(const char *from, const char *to)
{
    const char *p = strstr(base, from);
    if (p == NULL)
        abort();
    return xasprintf("%.*s%s%s", (int)(p - base), base, to, p + strlen(from));
}

int main(void)
{
    rlx_error_t err = NULL;
    struct rlx_spec *s = rlx_spec_parse(base, "/b", &err);
    TAP_OK(s != NULL, "a complete config parses (%s)", rlx_error_text(&err));
    if (s == NULL)
        return tap_done();
    TAP_STREQ(s->root_path, "/b/rootfs", "relative root.path is resolved against the bundle");
    TAP_OK(s->root_readonly, "root.readonly");
    TAP_STREQ(s->process.args[2], "x", "process.args");
    TAP_OK(s->process.uid == 5 && s->process.gid == 6 && s->process.n_additional_gids == 2 &&
           s->process.additional_gids[1] == 8, "process.user");
    TAP_OK(s->process.n_rlimits == 1 && s->process.rlimits[0].resource == RLIMIT_NOFILE &&
           s->process.rlimits[0].soft == 10 && s->process.rlimits[0].hard == 20, "process.rlimits");
    TAP_STREQ(rlx_rlimit_name(s->process.rlimits[0].resource), "RLIMIT_NOFILE",
              "an rlimit's name is the process.rlimits[].type it was parsed from");
    TAP_STREQ(rlx_rlimit_name(RLIMIT_RTTIME), "RLIMIT_RTTIME", "rlimit names cover the last one");
    TAP_OK(rlx_rlimit_name(-1) == NULL && rlx_rlimit_name(RLIM_NLIMITS) == NULL, "an unknown rlimit has no name");
    TAP_OK(s->process.caps[RLX_CAP_BOUNDING] == ((1u << 5) | (1u << 0)) && s->process.caps[RLX_CAP_EFFECTIVE] == (1u << 5),
           "process.capabilities as bit masks");
    TAP_OK(s->process.no_new_privileges && s->process.has_oom_score_adj && s->process.oom_score_adj == -5,
           "noNewPrivileges, oomScoreAdj");
    TAP_OK(s->n_hooks[RLX_HOOK_POSTSTOP] == 1 && s->hooks[RLX_HOOK_POSTSTOP][0].timeout == 3, "hooks.poststop with timeout");
    TAP_OK(rlx_spec_has_namespace(s, CLONE_NEWPID) && !rlx_spec_has_namespace(s, CLONE_NEWNET), "namespaces");
    TAP_OK(s->resources.mem_limit == 1048576 && s->resources.cpu_shares == 100 && s->resources.pids_limit == 9 &&
           s->resources.cpu_quota == RLX_UNSET, "resources (unset fields stay unset)");
    TAP_OK(s->resources.n_devices == 2 && !s->resources.devices[0].allow && s->resources.devices[0].type == 'a' &&
           s->resources.devices[1].major == 1 && strcmp(s->resources.devices[1].access, "rw") == 0, "device rules");
    TAP_STREQ(s->sysctl[0], "net.ipv4.ip_forward=1", "sysctl");
    rlx_spec_free(s);

    expect_error("{\n\"ociVersion\": \"1\",\n  \"root\": {,}\n}", "syntax error at line 3, column 12", "syntax error");
    expect_error("[1]", "top level must be an object", "not an object");
    expect_error("{\"root\":{\"path\":\"r\"}}", "ociVersion: required field is missing", "missing ociVersion");
    {
        char *j;
        expect_error(j = with("\"args\":[\"sh\",\"-c\",\"x\"]", "\"args\":\"sh\""), "process.args: expected an array, got a string", "args type"); free(j);
        expect_error(j = with("\"args\":[\"sh\",\"-c\",\"x\"]", "\"args\":[]"), "process.args: must contain at least one element", "empty args"); free(j);
        expect_error(j = with("\"cwd\":\"/w\"", "\"cwd\":\"w\""), "process.cwd: 'w' must be an absolute path", "relative cwd"); free(j);
        expect_error(j = with("\"uid\":5", "\"uid\":-1"), "process.user.uid: -1 out of range", "negative uid"); free(j);
        expect_error(j = with("RLIMIT_NOFILE", "RLIMIT_BOGUS"), "process.rlimits[0].type: unknown rlimit 'RLIMIT_BOGUS'", "rlimit name"); free(j);
        expect_error(j = with("CAP_CHOWN", "CAP_BOGUS"), "process.capabilities.bounding[1]: unknown capability 'CAP_BOGUS'", "cap name"); free(j);
        expect_error(j = with("\"oomScoreAdj\":-5", "\"oomScoreAdj\":5000"), "process.oomScoreAdj: 5000 not in [-1000, 1000]", "oom range"); free(j);
        expect_error(j = with("\"destination\":\"/proc\"", "\"destination\":\"proc\""), "mounts[0].destination: 'proc' must be an absolute path", "mount dest"); free(j);
        expect_error(j = with("\"path\":\"/bin/true\"", "\"path\":\"true\""), "hooks.poststop[0].path: 'true' must be an absolute path", "hook path"); free(j);
        expect_error(j = with("\"timeout\":3", "\"timeout\":0"), "hooks.poststop[0].timeout: must be greater than zero", "hook timeout"); free(j);
        expect_error(j = with("{\"type\":\"pid\"}", "{\"type\":\"nope\"}"), "linux.namespaces[0].type: unknown namespace type 'nope'", "namespace type"); free(j);
        expect_error(j = with("{\"type\":\"mount\"}", "{\"type\":\"pid\"}"), "linux.namespaces[1].type: namespace 'pid' listed twice", "duplicate namespace"); free(j);
        expect_error(j = with("\"limit\":1048576", "\"limit\":\"1g\""), "linux.resources.memory.limit: expected an integer, got a string", "memory type"); free(j);
        expect_error(j = with("\"access\":\"rw\"", "\"access\":\"xa\""), "linux.resources.devices[1].access: 'xa' has none of r, w, m", "device access"); free(j);
        expect_access("mrw", "rwm");
        expect_access("rwa", "rw");
        expect_access("mmrx", "rm");
        expect_error(j = with("\"/x/y\"", "\"/x/../y\""), "linux.cgroupsPath: '/x/../y' must not contain '..'", "cgroupsPath dotdot"); free(j);
        expect_error(j = with("\"/proc/kcore\"", "\"proc/kcore\""), "linux.maskedPaths[0]: 'proc/kcore' must be absolute", "masked path"); free(j);
        expect_error(j = with("\"a\":\"b\"", "\"a\":1"), "annotations.a: expected a string", "annotation type"); free(j);
        expect_error(j = with("\"linux\":{", "\"linux\":{\"intelRdt\":{},"), "linux.intelRdt", "intelRdt"); free(j);
        expect_error(j = with("\"env\":[\"A=1\"]", "\"env\":[\"A\"]"), "process.env[0]: 'A' is not KEY=VALUE", "env entry"); free(j);
    }
    {
        /* As runc: a bind mount's relative source is in the bundle; other sources are names. */
        rlx_error_t e = NULL;
        struct rlx_spec *m = rlx_spec_parse(
            "{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
            "\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\".\"},"
            "{\"destination\":\"/b\",\"source\":\"dir/sub\",\"options\":[\"rbind\"]},"
            "{\"destination\":\"/c\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}],\"linux\":{}}", "/bundle", &e);
        TAP_OK(m != NULL, "mounts with relative sources parse: %s", m ? "" : rlx_error_text(&e));
        if (m) {
            TAP_STREQ(m->mounts[0].source, "/bundle", "bind source \".\" is the bundle");
            TAP_STREQ(m->mounts[1].source, "/bundle/dir/sub", "bind source dir/sub is in the bundle");
            TAP_STREQ(m->mounts[2].source, "tmpfs", "a tmpfs source stays a name");
            rlx_spec_free(m);
        }
        rlx_error_release(&e);
    }
    {
        /* Destinations resolved inside a root, as securejoin: links stay in the root. */
        char root[] = "/tmp/rlx-spec-test.XXXXXX", *p;
        if (mkdtemp(root)) {
            char *stop[] = {"/dev"};
            p = xasprintf("%s/etc", root); mkdir(p, 0755); free(p);
            p = xasprintf("%s/dev", root); mkdir(p, 0755); free(p);
            p = xasprintf("%s/conf", root); symlink("/etc", p); free(p);
            p = xasprintf("%s/up", root); symlink("../../../etc/x", p); free(p);
            p = xasprintf("%s/dev/shm", root); symlink("/etc", p); free(p);
            p = rlx_resolve_in_root(root, "/conf/stack", NULL, 0);
            TAP_STREQ(p, "/etc/stack", "absolute link followed from the root"); free(p);
            p = rlx_resolve_in_root(root, "/up", NULL, 0);
            TAP_STREQ(p, "/etc/x", "'..' in a link stops at the root"); free(p);
            p = rlx_resolve_in_root(root, "/dev/shm", stop, 1);
            TAP_STREQ(p, "/dev/shm", "below an earlier mount's destination nothing on disk is followed"); free(p);
            p = rlx_resolve_in_root(root, "/", NULL, 0);
            TAP_STREQ(p, "/", "the root itself"); free(p);
            p = xasprintf("rm -rf %s", root);
            TAP_OK(system(p) == 0, "cleanup");
            free(p);
        }
    }
    TAP_OK(path_has_dotdot("/a/../b") && path_has_dotdot("..") && path_has_dotdot("/a/..") &&
           !path_has_dotdot("/a..b/c") && !path_has_dotdot("/..a"), "path_has_dotdot");
    expect_ttys(NULL, 0);
    expect_ttys("0", 0);
    expect_ttys("6", 6);
    expect_ttys("63", 63);
    expect_ttys("64", -1);
    expect_ttys("-1", -1);
    expect_ttys("6x", -1);
    expect_ttys("", -1);
    /* Ctrl+a (1) is the escape here */
    expect_filtered("ls\r", false, "ls\r", 0, false);
    expect_filtered("ab\001q", false, "ab", 1, false);
    expect_filtered("\001\001x", false, "\001x", 0, false);
    expect_filtered("a\001", false, "a", 0, true);
    expect_filtered("q", true, "", 1, false);
    expect_filtered("z", true, "\001z", 0, false);
    return tap_done();
}
