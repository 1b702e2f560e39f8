#include "spec_default.h"
#include "probe.h"
#include "util.h"
#include <json-c/json.h>
#include <stdlib.h>

static const char default_spec[] =
"{\n"
"  \"ociVersion\": \"1.0.2\",\n"
"  \"process\": {\n"
"    \"terminal\": true,\n"
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

struct json_object *rlx_spec_default_json(void)
{
    cleanup_free char *formatted =
        xasprintf(default_spec,
                  rlx_probe_ambient_caps() ? ",\n      \"ambient\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]" : "",
                  rlx_probe_no_new_privs() ? "true" : "false");
    return json_tokener_parse(formatted);
}
