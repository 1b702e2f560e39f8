/* hook: called back by liblxc's mount hook as "runlxc --root R hook ID lxc mount", in the
 * container's namespaces after its mounts and before pivot_root (lxcconf.c, tr_hooks). It has
 * `create` run prestart and createRuntime in the runtime's namespaces, then runs the
 * createContainer hooks here with the state `create` answered, as runc runs them. It reads
 * nothing from the host's state dir, which a user namespace's root may not open. */
#include "cli.h"
#include "hooks.h"
#include "initmsg.h"
#include "spec.h"
#include "util.h"
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Runs the createContainer hooks create sent (a JSON array as in config.json). */
static int run_container_hooks(const char *state_json, const char *hooks_json, rlx_error_t *err)
{
    struct json_object *arr = json_tokener_parse(hooks_json);
    const char *rootfs = getenv("LXC_ROOTFS_MOUNT");
    struct rlx_hook *hooks = NULL;
    size_t n = 0;
    int r;

    if (arr == NULL || json_object_get_type(arr) != json_type_array) {
        json_object_put(arr);
        return rlx_error(err, 0, "hooks.createContainer: runlxc create sent no hook list");
    }
    r = spec_parse_hooks(&hooks, &n, arr, "hooks.createContainer", err);
    /* runc's init runs them from the rootfs (runc's hooks.bats: "touch ./lib/..."); liblxc
     * names it (root.path itself, lxcconf.c). */
    if (r == 0 && n > 0 && rootfs && chdir(rootfs) < 0)
        r = rlx_error(err, errno, "hooks.createContainer: chdir %s", rootfs);
    if (r == 0)
        r = rlx_hooks_run(hooks, n, "createContainer", state_json, err);
    rlx_hooks_free(hooks, n);
    json_object_put(arr);
    return r;
}

int cmd_hook(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    const char *fd_env = getenv("RUNLXC_HOOK_FD");
    cleanup_free char *state = NULL, *hooks = NULL;
    cleanup_close int reply = -1;
    int sock = fd_env ? atoi(fd_env) : -1, sv[2], type;

    (void)g;
    if (cli_expect_args("hook", argc - 1, 3, 3, "ID lxc TYPE (called by liblxc)", err) < 0)
        return -1;
    if (strcmp(argv[3], "mount") != 0)
        return rlx_error(err, 0, "hook: unknown hook type '%s'", argv[3]);
    if (sock < 0)
        return rlx_error(err, 0, "hook: RUNLXC_HOOK_FD is not set (only liblxc's child started by runlxc calls this)");
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return rlx_error(err, errno, "socketpair");
    reply = sv[0];
    type = rlx_msg_send(sock, MSG_HOOK, "", 0, sv[1]);
    close(sv[1]);
    if (type < 0)
        return rlx_error(err, errno, "hook: ask runlxc create to run the runtime's hooks");
    /* create has the error of a failed prestart or createRuntime hook and reports it. */
    type = rlx_msg_recv(reply, &state, NULL, NULL, NULL);
    if (type != MSG_STATE)
        return rlx_error(err, 0, "hook: runlxc create stopped the start (a runtime hook failed)");
    if (rlx_msg_recv(reply, &hooks, NULL, NULL, NULL) != MSG_CONFIG)
        return rlx_error(err, 0, "hook: runlxc create did not send the createContainer hooks");
    if (run_container_hooks(state, hooks, err) < 0) {
        /* create reports it as init's setup error; liblxc sees the hook fail and stops. */
        const char *text = rlx_error_text(err);
        rlx_msg_send(sock, MSG_ERROR, text, strlen(text), -1);
        return -1;
    }
    return 0;
}
