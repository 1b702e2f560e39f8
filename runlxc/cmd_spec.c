/* spec: writes a default config.json that runlxc runs as is (busybox-friendly: sh). */
#include "cli.h"
#include <stddef.h>
#include "probe.h"
#include "util.h"
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <string.h>

/* A format: what this kernel lacks (ambient capabilities, no_new_privs) is left out, so the
 * result runs here as is. */
static const char default_spec[] =
"{\n"
"  \"ociVersion\": \"1.0.2\",\n"
"  \"process\": {\n"
"    \"terminal\": false,\n"
"    \"user\": {\"uid\": 0, \"gid\": 0},\n"
"    \"args\": [\"sh\"],\n"
"    \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\", \"TERM=xterm\"],\n"
"    \"cwd\": \"/\",\n"
"    \"capabilities\": {\n"
"      \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
"      \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
"      \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]%s\n"
"    },\n"
"    \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}],\n"
"    \"noNewPrivileges\": %s\n"
"  },\n"
"  \"root\": {\"path\": \"rootfs\", \"readonly\": true},\n"
"  \"hostname\": \"runlxc\",\n"
"  \"mounts\": [\n"
"    {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
"    {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},\n"
"    {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\", \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\", \"gid=5\"]},\n"
"    {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\", \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},\n"
"    {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\", \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},\n"
"    {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\", \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]},\n"
"    {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\", \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]}\n"
"  ],\n"
"  \"linux\": {\n"
"    \"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},\n"
"    \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}],\n"
"    \"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\", \"/proc/latency_stats\",\n"
"      \"/proc/timer_list\", \"/proc/timer_stats\", \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"],\n"
"    \"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\"]\n"
"  }\n"
"}\n";

int cmd_spec(const struct rlx_global *g, int argc, char **argv, rlx_error_t *err)
{
    static const struct option opts[] = {
        {"bundle", required_argument, NULL, 'b'}, {"rootless", no_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
    const char *bundle = ".";
    cleanup_free char *path = NULL;
    cleanup_close int fd = -1;
    int c;
    (void)g;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "b:", opts, NULL)) != -1) {
        if (c == 'b')
            bundle = optarg;
        else if (c == 'r')
            return rlx_error(err, 0, "spec: --rootless is not supported by runlxc");
        else
            return rlx_error(err, 0, "spec: unknown option '%s'", argv[optind - 1]);
    }
    path = xasprintf("%s/config.json", bundle);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST)
        return rlx_error(err, 0, "spec: %s exists; remove it first", path);
    if (fd < 0)
        return rlx_error(err, errno, "spec: create %s", path);
    if (dprintf(fd, default_spec,
                rlx_probe_ambient_caps() ? ",\n      \"ambient\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]" : "",
                rlx_probe_no_new_privs() ? "true" : "false") < 0)
        return rlx_error(err, errno, "spec: write %s", path);
    return 0;
}
