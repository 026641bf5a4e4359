"""Protection groups, members and targets, replication to the target (the replica group, allowed,
snapshots with replicate_now, their transfer), restoring from a replicated snapshot, destroy /
recover / eradicate of groups and their snapshots."""
from oracle import M, check, connect, done, error, name, ok, one, just_destroyed, until

a, b = connect("a"), connect("b")
A, B = name("a"), name("b")
MiB = 1 << 20
for v in ["db", "logs"]:
    ok(a.post_volumes(names=[v], volume=M.VolumePost(provisioned=8 * MiB)), f"volume {v}")

g = one(a.post_protection_groups(names=["pg1"]), "post_protection_groups")
check(g.name == "pg1" and g.is_local is True and g.destroyed is False and g.source.name == A, f"group {g}")
error(a.post_protection_groups(names=["pg1"]), 400, "pg1", "already exists", "existing group")
g = one(a.patch_protection_groups(names=["pg1"], protection_group=M.ProtectionGroup(
    snapshot_schedule=M.SnapshotSchedule(enabled=True, frequency=3600000),
    replication_schedule=M.ReplicationSchedule(frequency=14400000),
    source_retention=M.RetentionPolicy(all_for_sec=86400, per_day=4, days=7),
    target_retention=M.RetentionPolicy(all_for_sec=14400, per_day=3, days=7))), "patch schedules and retention")
check(g.snapshot_schedule.enabled is True and g.replication_schedule.frequency == 14400000, f"schedules {g}")
check(g.target_retention.all_for_sec == 14400 and g.target_retention.per_day == 3, f"retention {g.target_retention}")

# Members.
ms = ok(a.post_protection_groups_volumes(group_names=["pg1"], member_names=["db", "logs"]), "post members")
check([(m.group.name, m.member.name) for m in ms] == [("pg1", "db"), ("pg1", "logs")], "members added")
error(a.post_protection_groups_volumes(group_names=["pg1"], member_names=["db"]), 400, "pg1", "already a member", "member twice")
check(len(ok(a.get_protection_groups_volumes(group_names=["pg1"]), "get members")) == 2, "two members")

# Targets: the target then shows the replica group <source>:<pg>, and gives its consent there.
t = one(a.post_protection_groups_targets(group_names=["pg1"], member_names=[B]), "post target")
check(t.member.name == B and t.allowed is True, f"target {t}")
error(a.post_protection_groups_targets(group_names=["pg1"], member_names=[B]), 400, "pg1", "already includes", "target twice")
replica_name = f"{A}:pg1"
rg = one(b.get_protection_groups(names=[replica_name]), "replica group on the target")
check(rg.is_local is False and rg.source.name == A and rg.target_count == 0, f"replica {rg}")
check(rg.target_retention.all_for_sec == 14400, "the replica shows the source's retention")
check(replica_name in [x.name for x in ok(b.get_protection_groups(), "list on target")], "listed on the target")
error(b.patch_protection_groups(names=[replica_name], protection_group=M.ProtectionGroup(destroyed=True)), 400, replica_name, "replica", "destroy the replica")
allowed = one(b.patch_protection_groups_targets(group_names=[replica_name], target=M.TargetProtectionGroupPostPatch(allowed=True)), "allow on target")
check(allowed.allowed is True and allowed.member.name == B, f"allowed {allowed}")
check(one(a.get_protection_groups_targets(group_names=["pg1"]), "targets on source").allowed is True, "source sees the consent")

# Replicate a snapshot now and follow its transfer until it completes.
snap = one(a.post_protection_group_snapshots(source_names=["pg1"], replicate_now=True, apply_retention=True,
                                             protection_group_snapshot=M.ProtectionGroupSnapshotPost(suffix="rep1")), "replicate_now")
check(snap.name == "pg1.rep1" and snap.source.name == "pg1" and snap.destroyed is False, f"snapshot {snap}")
error(a.post_protection_group_snapshots(source_names=["pg1"], replicate=True, replicate_now=True), 400, "replicate", "together", "replicate with replicate_now")


def transferred():
    x = one(a.get_protection_group_snapshots_transfer(names=["pg1.rep1"]), "transfer on source")
    # The models raise AttributeError for fields that are null (model_attribute_error_on_none).
    return x if getattr(x, "completed", None) is not None else None


x = until(transferred, "the transfer to complete")
check(x.progress == 1 and x.started <= x.completed and x.data_transferred >= 0, f"transfer {x}")
# As Cinder's driver finds the newest replicated snapshot on the target.
latest = ok(b.get_protection_group_snapshots_transfer(names=[replica_name], destroyed=False, filter='progress="1.0"', sort=["started-"]), "latest on target")
check(latest and latest[0].name == f"{A}:pg1.rep1", f"latest {[s.name for s in latest]}")
copies = ok(b.get_protection_group_snapshots(source_names=[replica_name]), "copies on target")
check([c.name for c in copies] == [f"{A}:pg1.rep1"], "one copy")
vsnaps = ok(b.get_volume_snapshots(filter=f"name='{A}:pg1.rep1.*'"), "volume snapshots of the copy")
check(sorted(v.name for v in vsnaps) == [f"{A}:pg1.rep1.db", f"{A}:pg1.rep1.logs"], f"{[v.name for v in vsnaps]}")

# Restore on the target from the replicated snapshot, then over it again with overwrite.
r = one(b.post_volumes(names=["db"], volume=M.VolumePost(source=M.Reference(name=f"{A}:pg1.rep1.db"))), "copy on target")
check(r.provisioned == 8 * MiB, "restored size")
error(b.post_volumes(names=["db"], volume=M.VolumePost(source=M.Reference(name=f"{A}:pg1.rep1.db"))), 400, "db", "already exists", "restore twice")
r2 = one(b.post_volumes(names=["db"], overwrite=True, volume=M.VolumePost(source=M.Reference(name=f"{A}:pg1.rep1.db"))), "restore with overwrite")
check(r2.id == r.id, "overwritten in place")

# PG snapshots on the source and their copies on the target: destroy, recover, eradicate.
for client, sname in [(a, "pg1.rep1"), (b, f"{A}:pg1.rep1")]:
    error(client.delete_protection_group_snapshots(names=[sname]), 400, sname, "must be destroyed", "eradicate a live snapshot")
    d = one(client.patch_protection_group_snapshots(names=[sname], protection_group_snapshot=M.ProtectionGroupSnapshotPatch(destroyed=True)), "destroy snapshot")
    check(just_destroyed(d), f"destroyed {d}")
    check(sname in [s.name for s in ok(client.get_protection_group_snapshots(destroyed=True), "destroyed snapshots")], "listed destroyed")
    d = one(client.patch_protection_group_snapshots(names=[sname], protection_group_snapshot=M.ProtectionGroupSnapshotPatch(destroyed=False)), "recover snapshot")
    check(d.destroyed is False, "recovered snapshot")
    client.patch_protection_group_snapshots(names=[sname], protection_group_snapshot=M.ProtectionGroupSnapshotPatch(destroyed=True))
    ok(client.delete_protection_group_snapshots(names=[sname]), "eradicate snapshot")
    error(client.get_protection_group_snapshots(names=[sname]), 400, sname, "does not exist", "eradicated snapshot")

# Groups: destroy (pending eradication, the name stays taken), recover, destroy, eradicate.
error(a.delete_protection_groups(names=["pg1"]), 400, "pg1", "must be destroyed", "eradicate a live group")
d = one(a.patch_protection_groups(names=["pg1"], protection_group=M.ProtectionGroup(destroyed=True)), "destroy group")
check(just_destroyed(d), f"destroyed group {d}")
e = error(a.post_protection_groups(names=["pg1"]), 400, "pg1", "pending eradication", "reuse a destroyed name")
check("already exists" not in e.message, "a destroyed name is not 'already exists'")
check(one(a.get_protection_groups(names=["pg1"], destroyed=True), "destroyed group listed").destroyed is True, "listed destroyed")
check(one(a.patch_protection_groups(names=["pg1"], protection_group=M.ProtectionGroup(destroyed=False)), "recover group").destroyed is False, "recovered group")
a.patch_protection_groups(names=["pg1"], protection_group=M.ProtectionGroup(destroyed=True))
ok(a.delete_protection_groups(names=["pg1"]), "eradicate group")
error(a.get_protection_groups(names=["pg1"]), 400, "pg1", "does not exist", "eradicated group")
error(b.get_protection_groups(names=[replica_name]), 400, replica_name, "does not exist", "the replica goes with the group and its copies")
done()
