#!/usr/bin/env python3
"""A minimal seccomp agent (runc 1.1's protocol) for the tests: listens on SOCKET; for each
connection takes the container process state JSON with the listener fd and writes the JSON to
STATE_OUT.N (N = 1, 2, ... in arrival order); answers every notified syscall of every listener
with errno ERRNO (a fake "the agent refused it"). Ends after 30 s without any event.
Usage: seccomp-agent.py SOCKET STATE_OUT ERRNO"""
import array, fcntl, os, select, socket, struct, sys

NOTIF_RECV = 0xC0502100       # _IOWR('!', 0, struct seccomp_notif)      80 bytes
NOTIF_SEND = 0xC0182101       # _IOWR('!', 1, struct seccomp_notif_resp) 24 bytes

path, out, err = sys.argv[1], sys.argv[2], int(sys.argv[3])
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(4)
listeners = []


def take_listener():
    conn, _ = srv.accept()
    fds = array.array("i")
    msg, anc, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(4 * fds.itemsize))
    conn.close()
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
    n = len(listeners) + 1
    with open("%s.%d.tmp" % (out, n), "wb") as f:
        f.write(msg)
    os.rename("%s.%d.tmp" % (out, n), "%s.%d" % (out, n))
    listeners.append(fds[0])


def answer(listener):
    buf = bytearray(80)
    try:
        fcntl.ioctl(listener, NOTIF_RECV, buf)
    except OSError:
        listeners.remove(listener)      # every user of that filter is gone
        os.close(listener)
        return
    notif_id = struct.unpack_from("=Q", buf, 0)[0]
    try:
        fcntl.ioctl(listener, NOTIF_SEND, bytearray(struct.pack("=QqiI", notif_id, 0, -err, 0)))
    except OSError:
        pass                            # the process died meanwhile


while True:
    ready, _, _ = select.select([srv] + listeners, [], [], 30)
    if not ready:
        break
    for r in ready:
        take_listener() if r is srv else answer(r)
