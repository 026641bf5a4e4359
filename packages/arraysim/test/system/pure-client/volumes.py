"""Login and version negotiation, arrays, connections, volumes, volume snapshots, paging, errors."""
from oracle import M, check, connect, done, error, name, ok, one, just_destroyed

a = connect("a")
check(a.get_rest_version() == "2.20", f"negotiated {a.get_rest_version()}")
arr = one(a.get_arrays(), "get_arrays")
check(arr.name == name("a") and isinstance(arr.id, str) and arr.os == "Purity//FA", f"array {arr}")
conn = one(a.get_array_connections(), "get_array_connections")
check(conn.name == name("b") and conn.status == "connected" and conn.type == "sync-replication", f"connection {conn}")

GiB = 1 << 30
v = one(a.post_volumes(names=["vol1"], volume=M.VolumePost(provisioned=GiB)), "post_volumes")
check(v.name == "vol1" and v.provisioned == GiB and v.destroyed is False and len(v.serial) == 24, f"volume {v}")
got = one(a.get_volumes(names=["vol1"]), "get_volumes")
check(got.id == v.id and got.space.total_provisioned == GiB, f"get {got}")
r = one(a.patch_volumes(names=["vol1"], volume=M.VolumePatch(name="vol2")), "rename")
check(r.name == "vol2", f"renamed {r.name}")
r = one(a.patch_volumes(names=["vol2"], volume=M.VolumePatch(provisioned=2 * GiB)), "grow")
check(r.provisioned == 2 * GiB, f"grown {r.provisioned}")
error(a.patch_volumes(names=["vol2"], volume=M.VolumePatch(provisioned=GiB)), 400, "vol2", "truncate", "shrink without truncate")
r = one(a.patch_volumes(names=["vol2"], truncate=True, volume=M.VolumePatch(provisioned=GiB)), "shrink")
check(r.provisioned == GiB, "shrunk")

# Volume snapshots: take, list, destroy, recover, eradicate.
s = one(a.post_volume_snapshots(source_names=["vol2"], volume_snapshot=M.VolumeSnapshotPost(suffix="s1")), "post_volume_snapshots")
check(s.name == "vol2.s1" and s.source.name == "vol2" and s.suffix == "s1", f"snapshot {s}")
check([x.name for x in ok(a.get_volume_snapshots(source_names=["vol2"]), "get_volume_snapshots")] == ["vol2.s1"], "listed")
d = one(a.patch_volume_snapshots(names=["vol2.s1"], volume_snapshot=M.VolumeSnapshotPatch(destroyed=True)), "destroy snapshot")
check(just_destroyed(d), f"destroyed {d}")
d = one(a.patch_volume_snapshots(names=["vol2.s1"], volume_snapshot=M.VolumeSnapshotPatch(destroyed=False)), "recover snapshot")
check(d.destroyed is False, "recovered snapshot")

# Copy: a new volume from the snapshot, then over an existing one only with overwrite.
c = one(a.post_volumes(names=["copy1"], volume=M.VolumePost(source=M.Reference(name="vol2.s1"))), "copy")
check(c.source.name == "vol2.s1", f"copy source {c.source}")
error(a.post_volumes(names=["copy1"], volume=M.VolumePost(source=M.Reference(name="vol2"))), 400, "copy1", "already exists", "copy over without overwrite")
c2 = one(a.post_volumes(names=["copy1"], overwrite=True, volume=M.VolumePost(source=M.Reference(name="vol2"))), "copy with overwrite")
check(c2.id == c.id and c2.source.name == "vol2", "overwritten in place")

a.patch_volume_snapshots(names=["vol2.s1"], volume_snapshot=M.VolumeSnapshotPatch(destroyed=True))
ok(a.delete_volume_snapshots(names=["vol2.s1"]), "eradicate snapshot")

# Volumes: destroy, recover, destroy, eradicate.
d = one(a.patch_volumes(names=["copy1"], volume=M.VolumePatch(destroyed=True)), "destroy volume")
check(just_destroyed(d), "destroyed volume")
check("copy1" in [x.name for x in ok(a.get_volumes(destroyed=True), "destroyed list")], "listed destroyed")
error(a.post_volumes(names=["copy1"], volume=M.VolumePost(provisioned=GiB)), 400, "copy1", "already exists", "name held by a destroyed volume")
check(one(a.patch_volumes(names=["copy1"], volume=M.VolumePatch(destroyed=False)), "recover volume").destroyed is False, "recovered")
error(a.delete_volumes(names=["copy1"]), 400, "copy1", "must be destroyed", "eradicate a live volume")
a.patch_volumes(names=["copy1"], volume=M.VolumePatch(destroyed=True))
ok(a.delete_volumes(names=["copy1"]), "eradicate volume")
error(a.get_volumes(names=["copy1"]), 400, "copy1", "does not exist", "eradicated")

# Paging: limit with the continuation token (x-next-token), as the client iterates it.
for i in range(5):
    ok(a.post_volumes(names=[f"page{i}"], volume=M.VolumePost(provisioned=GiB)), "page volume")
first = a.get_volumes(limit=2, filter="name='page*'", sort=["name"])
names = [x.name for x in ok(first, "page 1")]
check(names == ["page0", "page1"] and first.continuation_token, f"page 1 {names} token {first.continuation_token}")
check(first.headers.x_request_id is not None, "x-request-id header")
seen = names
token = first.continuation_token
while token:
    nxt = a.get_volumes(limit=2, filter="name='page*'", sort=["name"], continuation_token=token)
    seen += [x.name for x in ok(nxt, "next page")]
    token = nxt.continuation_token
check(seen == [f"page{i}" for i in range(5)], f"paged {seen}")
total = a.get_volumes(filter="name='page*'", total_item_count=True)
check(total.total_item_count == 5, f"total {total.total_item_count}")

# Errors: an unknown name and an existing one, in ErrorResponse with context and message.
error(a.get_volumes(names=["nope"]), 400, "nope", "does not exist", "unknown volume")
error(a.post_volumes(names=["page0"], volume=M.VolumePost(provisioned=GiB)), 400, "page0", "already exists", "existing volume")
error(a.post_volume_snapshots(source_names=["nope"], volume_snapshot=M.VolumeSnapshotPost()), 400, "nope", "does not exist", "snapshot of an unknown volume")
done()
