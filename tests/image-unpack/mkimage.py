#!/usr/bin/env python3
"""mkimage.py OUTDIR SCENARIO [OUTSIDE]  -- build a small OCI layout (tag "latest") whose layers
are crafted with tarfile, for runlxc-unpack's hostile-archive tests.

OUTSIDE is an absolute directory outside the bundle that hostile entries aim at.
Every scenario is a list of layers; a layer is a list of (kind, name, arg...) tuples.
Corruption scenarios (tamper-*) build a valid image and then break one thing."""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

out, scen = sys.argv[1], sys.argv[2]
outside = sys.argv[3] if len(sys.argv) > 3 else "/nonexistent-outside"


def ti(kind, name, data=b"", link="", mode=None, uid=0, gid=0):
    t = tarfile.TarInfo(name)
    t.mtime, t.uid, t.gid = 1600000000, uid, gid
    t.mode = 0o644 if mode is None else mode
    t.type = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "sym": tarfile.SYMTYPE,
              "hard": tarfile.LNKTYPE, "fifo": tarfile.FIFOTYPE}[kind]
    if kind == "dir" and mode is None:
        t.mode = 0o755
    t.linkname = link
    t.size = len(data) if kind == "file" else 0
    return t, (io.BytesIO(data) if kind == "file" else None)


def layer_tar(entries):
    buf = io.BytesIO()
    # GNU format: long names without pax, and no sanitising of "..", "/" or link targets
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tf:
        for e in entries:
            t, f = ti(*e)
            tf.addfile(t, f)
    return buf.getvalue()


def base():
    return [("dir", "etc"), ("file", "etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n"),
            ("file", "etc/group", b"root:x:0:\n"), ("dir", "data"), ("file", "data/victim", b"v\n")]


LONG = "/".join("%03d" % i + "x" * 96 for i in range(60))  # 6000 bytes, > PATH_MAX
SCENARIOS = {
    "ok": [base()],
    "dotdot": [base() + [("file", "../../escape-dotdot", b"pwned\n")]],
    "dotdot-inner": [base() + [("file", "data/../../escape-inner", b"pwned\n")]],
    "absolute": [base() + [("file", outside + "/abs-file", b"pwned\n")]],
    "symlink-write": [base() + [("sym", "evil", "", outside), ("file", "evil/pwned", b"pwned\n")]],
    "symlink-rel-write": [base() + [("sym", "data/evil", "", "../../../../../../../../.." + outside),
                                    ("file", "data/evil/pwned", b"pwned\n")]],
    "symlink-write-next-layer": [base() + [("sym", "evil", "", outside)], [("file", "evil/pwned", b"pwned\n")]],
    "symlink-dir-next-layer": [base() + [("sym", "evil", "", outside)], [("dir", "evil/sub")]],
    "symlink-replaced": [base() + [("sym", "evil", "", outside + "/sentinel")], [("file", "evil", b"replaced\n")]],
    "symlink-mkdir-parent": [base() + [("sym", "data/evil", "", outside), ("file", "data/evil/a/b/c", b"x")]],
    "hardlink-abs": [base() + [("hard", "data/hl", "", outside + "/sentinel")]],
    "hardlink-dotdot": [base() + [("hard", "data/hl", "", "../../../../../../.." + outside + "/sentinel")]],
    "hardlink-host": [base() + [("hard", "data/hl", "", "/proc/self/exe")]],
    "hardlink-via-symlink": [base() + [("sym", "evil", "", outside), ("hard", "data/hl", "", "evil/sentinel")]],
    "hardlink-then-write": [base() + [("sym", "evil", "", outside + "/sentinel"), ("hard", "data/hl", "", "evil"),
                                      ("file", "data/hl", b"overwrite\n")]],
    "whiteout-dotdot": [base(), [("file", "../.wh.sentinel", b"")]],
    "whiteout-empty-name": [base(), [("file", ".wh.", b"")]],
    "whiteout-dotdot-name": [base(), [("file", "data/.wh..", b"")]],
    "whiteout-parent-name": [base(), [("file", "data/.wh...", b"")]],
    "whiteout-via-symlink": [base() + [("sym", "evil", "", outside)], [("file", "evil/.wh.sentinel", b"")]],
    "opaque-via-symlink": [base() + [("sym", "evil", "", outside)], [("file", "evil/.wh..wh..opq", b"")]],
    "root-symlink": [base() + [("sym", ".", "", outside)]],
    "root-symlink-slash": [base() + [("sym", "./", "", outside)]],
    "whiteout-symlink-itself": [base() + [("sym", "evil", "", outside + "/dir")], [("file", ".wh.evil", b"")]],
    "opaque-root": [base(), [("file", ".wh..wh..opq", b""), ("file", "new", b"new\n"), ("dir", "etc"),
                             ("file", "etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")]],
    "multiarch": [base()],
    "sgid": [base() + [("dir", "sg", b"", "", 0o2775, 0, 50), ("file", "sg/f", b"f\n", "", 0o640, 0, 0),
                       ("dir", "sg/sub", b"", "", 0o755, 0, 0), ("sym", "sg/l", b"", "f", 0o777, 0, 0),
                       ("file", "sg/g", b"g\n", "", 0o2755, 7, 50)]],
    "user": [base() + [("file", "etc/passwd", b"root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n"),
                       ("file", "etc/group", b"root:x:0:\napp:x:1001:\nstaff:x:50:app\n")]],
    "long-path": [base() + [("file", LONG + "/leaf", b"deep\n")]],
    "long-component": [base() + [("file", "data/" + "n" * 300, b"x")]],
    "huge-name": [base() + [("file", "a/" * 40000 + "x", b"x")]],
    "bomb": [base() + [("file", "data/zeros", b"\0" * (64 << 20))]],
    "many-entries": [base() + [("file", "data/f%05d" % i, b"") for i in range(3000)]],
    "tamper-layer": [base()],
    "tamper-diffid": [base()],
    "tamper-manifest": [base()],
    "tamper-config": [base()],
    "wrong-mediatype": [base()],
    "missing-blob": [base()],
    "gzip-bad-crc": [base()],
    "gzip-multimember": [base()],
    "config-is-layer": [base()],
    "manifest-type-mismatch": [base()],
}


def write_blob(data):
    d = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(out, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(out, "blobs", "sha256", d), "wb") as f:
        f.write(data)
    return "sha256:" + d


def fuzz(seed):
    """Random layers built from hostile primitives: names with "..", absolute names, symlinks to
    outside, "/", "." and "..", hardlinks anywhere, whiteouts and opaque markers anywhere."""
    import random
    r = random.Random(seed)
    comps = ["a", "b", "evil", "..", ".", "d", "x"]
    targets = [outside, outside + "/sentinel", outside + "/dir", "/", ".", "..", "../..", "../../../../..",
               "a", "evil", "d/x", "/etc/passwd", "/proc/self/root"]

    def path():
        p = "/".join(r.choice(comps) for _ in range(r.randint(1, 4)))
        return ("/" + p) if r.random() < 0.2 else p
    layers = []
    for _ in range(r.randint(1, 3)):
        ents = []
        for _ in range(r.randint(3, 15)):
            k = r.random()
            if k < 0.25:
                ents.append(("sym", path(), b"", r.choice(targets)))
            elif k < 0.45:
                ents.append(("file", path(), b"pwned\n"))
            elif k < 0.6:
                ents.append(("dir", path()))
            elif k < 0.75:
                ents.append(("hard", path(), b"", r.choice(targets + [path()])))
            elif k < 0.9:
                d = path()
                ents.append(("file", d + "/.wh." + r.choice(comps + ["sentinel", "dir"]), b""))
            else:
                ents.append(("file", path() + "/.wh..wh..opq", b""))
        layers.append(ents)
    return layers


def main():
    if scen.startswith("fuzz:"):
        layers = fuzz(int(scen[5:]))
    elif scen.startswith("tar:"):
        # layers taken verbatim from tar files made by another tool (e.g. GNU tar --sparse)
        layers = [base()] + [open(p, "rb").read() for p in scen[4:].split(",")]
    else:
        layers = SCENARIOS[scen]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    descs, diff_ids = [], []
    for i, entries in enumerate(layers):
        raw = entries if isinstance(entries, bytes) else layer_tar(entries)
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
        comp = gzip.compress(raw, compresslevel=1, mtime=0)
        if scen == "gzip-bad-crc":
            # a damaged CRC32 trailer, the digests made for the damaged blob: only the
            # decompressor's integrity check can tell
            comp = comp[:-8] + bytes([comp[-8] ^ 0xff]) + comp[-7:]
        if scen == "gzip-multimember":
            # legal gzip: two members, concatenated (what `cat a.gz b.gz` gives)
            half = len(raw) // 2
            comp = gzip.compress(raw[:half], mtime=0) + gzip.compress(raw[half:], mtime=0)
        mt = "application/vnd.oci.image.layer.v1.tar+gzip"
        if scen == "wrong-mediatype":
            mt = "application/vnd.oci.image.layer.v1.tar+zstd"
        dg = write_blob(comp)
        if scen == "tamper-layer" and i == 0:
            p = os.path.join(out, "blobs", "sha256", dg[7:])
            b = bytearray(open(p, "rb").read())
            b[len(b) // 2] ^= 0xff
            open(p, "wb").write(bytes(b))
        if scen == "missing-blob":
            os.unlink(os.path.join(out, "blobs", "sha256", dg[7:]))
        descs.append({"mediaType": mt, "digest": dg, "size": len(comp)})
    if scen == "tamper-diffid":
        diff_ids[0] = "sha256:" + "0" * 64
    config = {"architecture": "amd64", "os": "linux",
              "config": {"Cmd": ["/bin/sh"], "Env": ["PATH=/bin"], "User": "app" if scen == "user" else "root"},
              "rootfs": {"type": "layers", "diff_ids": diff_ids}}
    cbytes = json.dumps(config).encode()
    cd = write_blob(cbytes)
    if scen == "tamper-config":
        p = os.path.join(out, "blobs", "sha256", cd[7:])
        open(p, "wb").write(cbytes.replace(b"/bin/sh", b"/bin/xx"))
    cmt = "application/vnd.oci.image.config.v1+json"
    if scen == "config-is-layer":
        cmt = "application/vnd.oci.image.layer.v1.tar+gzip"   # not a runnable image config
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": cmt, "digest": cd, "size": len(cbytes)},
                "layers": descs}
    if scen == "manifest-type-mismatch":
        # the manifest calls itself an index while the descriptor pointing to it says manifest
        manifest["mediaType"] = "application/vnd.oci.image.index.v1+json"
    mbytes = json.dumps(manifest).encode()
    md = write_blob(mbytes)
    if scen == "tamper-manifest":
        p = os.path.join(out, "blobs", "sha256", md[7:])
        open(p, "wb").write(mbytes.replace(b'"schemaVersion": 2', b'"schemaVersion": 3'))
    top = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": len(mbytes),
           "annotations": {"org.opencontainers.image.ref.name": "latest"}}
    if scen == "multiarch":
        arm_raw = layer_tar(base() + [("file", "arch", b"arm64\n")])
        arm_comp = gzip.compress(arm_raw, mtime=0)
        arm_cfg = json.dumps({"architecture": "arm64", "os": "linux", "config": {"Cmd": ["/arm"]},
                              "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(arm_raw).hexdigest()]}}).encode()
        arm_m = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                       "digest": write_blob(arm_cfg), "size": len(arm_cfg)},
                            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                                        "digest": write_blob(arm_comp), "size": len(arm_comp)}]}).encode()
        idx = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": write_blob(arm_m), "size": len(arm_m),
             "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
            dict(top, annotations={}, platform={"os": "linux", "architecture": "amd64"})]}).encode()
        top = {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": write_blob(idx), "size": len(idx),
               "annotations": {"org.opencontainers.image.ref.name": "latest"}}
    index = {"schemaVersion": 2, "manifests": [top]}
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f)


if __name__ == "__main__":
    main()
