#!/usr/bin/env python3
"""Receives a pty master the way containerd and conmon do (one fd by SCM_RIGHTS, the pty name
as payload) on a unix socket, then copies everything from the pty to a file until EOF."""
import array, os, socket, sys

path, out = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
srv.settimeout(20)
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(4096, socket.CMSG_LEN(4 * fds.itemsize))
for level, typ, data in anc:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
with open(out, "w") as f:
    f.write("name=%s fds=%d\n" % (msg.decode(), len(fds)))
    f.flush()
    while True:
        try:
            chunk = os.read(fds[0], 4096)
        except OSError:
            break
        if not chunk:
            break
        f.write(chunk.decode(errors="replace"))
        f.flush()
