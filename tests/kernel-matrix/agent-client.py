#!/usr/bin/env python3
"""Speaks runlxc's exec-agent protocol (runlxc/lib/initmsg.h) to SOCKET and asks it to run ARGS.
Used by agent.bats both from the host (it must work) and from inside the container (it must be
refused). Prints the agent's answers: READY, ERROR <text>, EXIT <code>."""
import socket, struct, sys

def send(s, t, payload=b"", fds=()):
    frame = struct.pack("=IB", len(payload), ord(t)) + payload
    anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("=%di" % len(fds), *fds))] if fds else []
    s.sendmsg([frame], anc)

def recv(s):
    hdr = b""
    while len(hdr) < 5:
        b, anc, _, _ = s.recvmsg(5 - len(hdr), socket.CMSG_SPACE(64))
        if not b:
            return None, b""
        hdr += b
    n, t = struct.unpack("=IB", hdr)
    data = b""
    while len(data) < n:
        b = s.recv(n - len(data))
        if not b:
            break
        data += b
    return chr(t), data

sock, args = sys.argv[1], sys.argv[2:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock)
rec = b"".join(b"a" + a.encode() + b"\0" for a in args)
rec += b"ePATH=/bin:/usr/bin\0c/\0u0\0g0\0k0 0 0 0 0\0F0\0"
try:
    for fd in (0, 1, 2):
        send(s, "F", str(fd).encode(), [fd])
    send(s, "C", rec)
except (BrokenPipeError, ConnectionResetError):
    pass   # refused at once: its answer is still there to read
while True:
    t, data = recv(s)
    if t is None:
        print("EOF"); break
    if t == "R":
        print("READY", flush=True)
    elif t == "E":
        print("ERROR", data.decode()); break
    elif t == "X":
        print("EXIT", data.decode()); break
