#!/usr/bin/env python3
"""Turns a base root filesystem and a modified copy of it into a two-layer
OCI image layout (layer 2 = what changed, with whiteouts for deletions).

  make_layered_image.py BASE_ROOTFS CHANGED_ROOTFS OUT_LAYOUT NAME
"""
import gzip, hashlib, io, json, os, stat, sys, tarfile


def signature(path):
    st = os.lstat(path)
    link = os.readlink(path) if stat.S_ISLNK(st.st_mode) else None
    return (st.st_mode, st.st_size, int(st.st_mtime), st.st_uid, st.st_gid, link)


def walk(root):
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            full = os.path.join(dirpath, name)
            yield os.path.relpath(full, root), full


def layer(root, include):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for rel, full in include:
            if full is None:  # a whiteout
                info = tarfile.TarInfo(rel)
                tar.addfile(info, io.BytesIO(b""))
            else:
                tar.add(full, arcname=rel, recursive=False)
    data = raw.getvalue()
    return gzip.compress(data, compresslevel=6, mtime=0), "sha256:" + hashlib.sha256(data).hexdigest()


def blob(out, data):
    digest = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(out, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(out, "blobs", "sha256", digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def main(base, changed, out, name):
    base_entries = {rel: full for rel, full in walk(base)}
    first = list(base_entries.items())
    second = []
    for rel, full in walk(changed):
        old = base_entries.get(rel)
        if old is None or signature(old) != signature(full):
            second.append((rel, full))
    changed_set = {rel for rel, _ in walk(changed)}
    for rel in base_entries:
        if rel not in changed_set and os.path.dirname(rel) in changed_set | {""}:
            second.append((os.path.join(os.path.dirname(rel), ".wh." + os.path.basename(rel)), None))
    layers, diff_ids = [], []
    for include in (first, second):
        data, diff_id = layer(None, include)
        layers.append(dict(blob(out, data), mediaType="application/vnd.oci.image.layer.v1.tar+gzip"))
        diff_ids.append(diff_id)
    config = {"architecture": "amd64" if os.uname().machine == "x86_64" else "arm64", "os": "linux",
              "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], "Cmd": ["bash"]},
              "rootfs": {"type": "layers", "diff_ids": diff_ids}}
    cfg = dict(blob(out, json.dumps(config).encode()), mediaType="application/vnd.oci.image.config.v1+json")
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": cfg, "layers": layers}
    man = dict(blob(out, json.dumps(manifest).encode()), mediaType="application/vnd.oci.image.manifest.v1+json")
    man["annotations"] = {"org.opencontainers.image.ref.name": name}
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [man]}, f)
    with open(os.path.join(out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    print(f"layer sizes: {[l['size'] for l in layers]}")


if __name__ == "__main__":
    main(*sys.argv[1:5])
