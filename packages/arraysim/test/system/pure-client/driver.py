"""The calls Protector's FlashArray REST adapter (packages/protector/src/storage/flasharray/
rest-port.ts) makes, in the forms it makes them, that the other scripts do not already prove:
one PATCH with schedules and retention, member removal, lookups on the target by the replica
group (snapshots, transfers, the volume snapshots of a group by name filter), pod members by
filter, a pod created with its failover preference, and destroy-then-eradicate of a replica's
snapshot and of the group."""
from oracle import M, check, connect, done, name, ok, one, until

a, b = connect("a"), connect("b")
A, B = name("a"), name("b")
MiB = 1 << 20
PG = "protector-drv"
for v in ["volume-drv1-cinder", "volume-drv2-cinder"]:
    ok(a.post_volumes(names=[v], volume=M.VolumePost(provisioned=4 * MiB)), f"volume {v}")

# createProtectionGroup: POST, then one PATCH with both schedules (replication off) and retention.
one(a.post_protection_groups(names=[PG]), "create group")
g = one(a.patch_protection_groups(names=[PG], protection_group=M.ProtectionGroup(
    snapshot_schedule=M.SnapshotSchedule(enabled=False),
    replication_schedule=M.ReplicationSchedule(enabled=False, frequency=300000),
    source_retention=M.RetentionPolicy(all_for_sec=86400, per_day=4, days=7),
    target_retention=M.RetentionPolicy(all_for_sec=86400, per_day=4, days=7))), "settings in one PATCH")
check(g.replication_schedule.enabled is False and g.replication_schedule.frequency == 300000, f"schedule {g.replication_schedule}")
ok(a.post_protection_groups_volumes(group_names=[PG], member_names=["volume-drv1-cinder", "volume-drv2-cinder"]), "members")
ok(a.delete_protection_groups_volumes(group_names=[PG], member_names=["volume-drv2-cinder"]), "remove a member")
check([m.member.name for m in ok(a.get_protection_groups_volumes(group_names=[PG]), "members left")] == ["volume-drv1-cinder"], "one member left")
ok(a.post_protection_groups_targets(group_names=[PG], member_names=[B]), "target")
replica = f"{A}:{PG}"
until(lambda: ok(b.get_protection_groups(names=[replica]), "replica"), "the replica group on the target")
ok(b.patch_protection_groups_targets(group_names=[replica], target=M.TargetProtectionGroupPostPatch(allowed=True)), "allow")
g = one(a.patch_protection_groups(names=[PG], protection_group=M.ProtectionGroup(
    replication_schedule=M.ReplicationSchedule(enabled=True), snapshot_schedule=M.SnapshotSchedule(enabled=False))), "enable replication")
check(g.replication_schedule.enabled is True, "replication enabled")

# snapshotNow and waitForTransfer: the transfer by name on the target, then the copy's members.
s = one(a.post_protection_group_snapshots(source_names=[PG], replicate_now=True,
                                          protection_group_snapshot=M.ProtectionGroupSnapshotPost(suffix="op-1")), "snapshot")
rp = f"{replica}.op-1"
until(lambda: getattr(one(b.get_protection_group_snapshots_transfer(names=[rp]), "transfer"), "completed", None), "the copy to complete")
check([x.name for x in ok(b.get_protection_group_snapshots(source_names=[replica]), "copies of the replica")] == [rp], "the copy, by its group")
check([x.name for x in ok(b.get_protection_group_snapshots_transfer(source_names=[replica]), "transfers of the replica")] == [rp], "its transfer, by group")
vs = ok(b.get_volume_snapshots(filter=f"name='{replica}.*'", destroyed=False), "the copy's volume snapshots")
check([x.name for x in vs] == [f"{rp}.volume-drv1-cinder"], f"volume snapshots {[x.name for x in vs]}")

# restoreVolumes: a new volume from the copy; a retry reads it back with its source.
v = one(b.post_volumes(names=["volume-drv-restored"], volume=M.VolumePost(source=M.Reference(name=vs[0].name))), "restore")
check(v.source.name == vs[0].name, f"source {v.source}")
check(one(b.get_volumes(names=["volume-drv-restored"]), "restored").provisioned == 4 * MiB, "size")

# A pod created with its preference; its members by filter.
p = one(a.post_pods(names=["protector-drvpod"], pod=M.PodPost(failover_preferences=[M.Reference(name=A)])), "pod with preference")
check([r.name for r in p.failover_preferences] == [A], f"preference {p.failover_preferences}")
one(a.patch_volumes(names=["volume-drv2-cinder"], volume=M.VolumePatch(pod=M.Reference(name="protector-drvpod"))), "into the pod")
members = ok(a.get_volumes(filter="pod.name='protector-drvpod'", destroyed=False), "pod members")
check([x.name for x in members] == ["protector-drvpod::volume-drv2-cinder"], f"members {[x.name for x in members]}")

# deleteReplicationGroup: members out, group destroyed then eradicated, the replica's copy too.
ok(a.delete_protection_groups_volumes(group_names=[PG], member_names=["volume-drv1-cinder"]), "last member out")
one(a.patch_protection_groups(names=[PG], protection_group=M.ProtectionGroup(destroyed=True)), "destroy group")
ok(a.delete_protection_groups(names=[PG]), "eradicate group")
one(b.patch_protection_group_snapshots(names=[rp], protection_group_snapshot=M.ProtectionGroupSnapshotPatch(destroyed=True)), "destroy the copy")
ok(b.delete_protection_group_snapshots(names=[rp]), "eradicate the copy")
check(ok(b.get_protection_group_snapshots(source_names=[replica]), "no copies left") == [], "no copies left")
done()
