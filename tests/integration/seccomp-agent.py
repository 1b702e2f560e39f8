#!/usr/bin/env python3
"""A minimal seccomp agent (runc 1.1's protocol) for the tests: listens on SOCKET, takes the
container process state JSON with the listener fd, writes the JSON to STATE_OUT, then answers
every notified syscall with errno ERRNO (a fake "the agent refused it") until the listener
closes. Usage: seccomp-agent.py SOCKET STATE_OUT ERRNO"""
import array, fcntl, os, select, socket, struct, sys

NOTIF_RECV = 0xC0502100       # _IOWR('!', 0, struct seccomp_notif)      80 bytes
NOTIF_SEND = 0xC0182101       # _IOWR('!', 1, struct seccomp_notif_resp) 24 bytes

path, out, err = sys.argv[1], sys.argv[2], int(sys.argv[3])
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(4)
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(4 * fds.itemsize))
for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
with open(out + ".tmp", "wb") as f:
    f.write(msg)
os.rename(out + ".tmp", out)
listener = fds[0]
while True:
    r, _, x = select.select([listener], [], [listener], 30)
    if not r and not x:
        break
    buf = bytearray(80)
    try:
        fcntl.ioctl(listener, NOTIF_RECV, buf)
    except OSError:
        break                   # every filter user is gone
    notif_id = struct.unpack_from("=Q", buf, 0)[0]
    resp = bytearray(struct.pack("=QqiI", notif_id, 0, -err, 0))
    try:
        fcntl.ioctl(listener, NOTIF_SEND, resp)
    except OSError:
        pass                    # the process died meanwhile
