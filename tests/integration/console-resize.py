#!/usr/bin/env python3
"""Attaches `runlxc console -t N ID` from a terminal (a pty of our own), resizes that terminal
twice, and after each size asks the container what size its /dev/ttyN has (stty -F). Prints
"size ROWS COLS -> what stty said" for each, then detaches with Ctrl+a q and prints the
console's exit status.  usage: console-resize.py RUNLXC ROOT ID N"""
import fcntl, os, pty, struct, subprocess, sys, termios, time

runlxc, root, cid, n = sys.argv[1:5]


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


seen_output = []


def drain(fd, seconds):
    end = time.time() + seconds
    while time.time() < end:
        try:
            seen_output.append(os.read(fd, 4096))
        except BlockingIOError:
            time.sleep(0.02)
        except OSError:
            return


pid, master = pty.fork()
if pid == 0:
    os.execvp(runlxc, [runlxc, "--root", root, "console", "-t", n, cid])
os.set_blocking(master, False)
set_size(master, 24, 80)
drain(master, 1.5)  # the console is attached and has copied the first size
for rows, cols in ((31, 101), (47, 133)):
    set_size(master, rows, cols)  # the kernel sends SIGWINCH to the console
    time.sleep(0.5)
    drain(master, 0.2)
    seen = subprocess.run([runlxc, "--root", root, "exec", cid, "stty", "-F", "/dev/tty" + n, "size"],
                          capture_output=True, text=True).stdout.strip()
    print("size %d %d -> %s" % (rows, cols, seen), flush=True)
os.write(master, b"\x01q")
for _ in range(50):
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        print("console exit %d" % os.waitstatus_to_exitcode(status))
        break
    drain(master, 0.1)
else:
    os.kill(pid, 9)
    print("console did not detach")
print("console output: %r" % b"".join(seen_output)[-300:])
