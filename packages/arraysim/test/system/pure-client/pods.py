"""Pods: create, failover preferences, stretch and unstretch, volumes in and out, destroy, eradicate."""
from oracle import M, check, connect, done, error, name, ok, one, just_destroyed, until

a, b = connect("a"), connect("b")
A, B = name("a"), name("b")
p = one(a.post_pods(names=["pod1"], pod=M.PodPost()), "post_pods")
check(p.name == "pod1" and p.array_count == 1 and p.destroyed is False, f"pod {p}")
error(a.post_pods(names=["pod1"], pod=M.PodPost()), 400, "pod1", "already exists", "pod twice")
p = one(a.patch_pods(names=["pod1"], pod=M.PodPatch(failover_preferences=[M.Reference(name=A)])), "failover preferences")
check([r.name for r in p.failover_preferences] == [A], f"preferences {p.failover_preferences}")

# A volume moves into the pod (renamed pod1::v) and back out.
ok(a.post_volumes(names=["pv"], volume=M.VolumePost(provisioned=1 << 20)), "volume")
v = one(a.patch_volumes(names=["pv"], volume=M.VolumePatch(pod=M.Reference(name="pod1"))), "move into pod")
check(v.name == "pod1::pv" and v.pod.name == "pod1", f"moved {v.name}")

# Stretch to the other array: its copy resyncs, then both are online; then unstretch.
m = one(a.post_pods_arrays(group_names=["pod1"], member_names=[B]), "stretch")
check(m.member.name == B, f"stretched {m}")


def both_online():
    pod = one(a.get_pods(names=["pod1"]), "get_pods")
    return pod if pod.array_count == 2 and all(x.status == "online" for x in pod.arrays) else None


pod = until(both_online, "the stretched pod to be online on both arrays")
check(sorted(x.name for x in pod.arrays) == sorted([A, B]), f"pod arrays {pod.arrays}")
check(one(b.get_volumes(names=["pod1::pv"]), "the volume on the other array").name == "pod1::pv", "seen on the other array")
error(a.post_pods_arrays(group_names=["pod1"], member_names=[B]), 400, B, "already exists", "stretch twice")
ok(a.delete_pods_arrays(group_names=["pod1"], member_names=[B]), "unstretch")
check(one(a.get_pods(names=["pod1"]), "after unstretch").array_count == 1, "one array again")

v = one(a.patch_volumes(names=["pod1::pv"], volume=M.VolumePatch(pod=M.Reference(name=""))), "move out of pod")
check(v.name == "pv" and getattr(v, "pod", None) is None, f"moved out {v.name}")

d = one(a.patch_pods(names=["pod1"], pod=M.PodPatch(destroyed=True)), "destroy pod")
check(just_destroyed(d), f"destroyed pod {d}")
ok(a.delete_pods(names=["pod1"]), "eradicate pod")
error(a.get_pods(names=["pod1"]), 400, "pod1", "does not exist", "eradicated pod")
done()
