#!/usr/bin/env python3
"""Plot the scale benchmark: cold-build time vs ENIs for vpcmido (measured), the floor
(writes x nominal write latency), the emulator's actual lock-held time, and the
eucanetd-pattern estimate, one panel per write latency.

Input: bench-results/scale.json written by `cargo bench --bench scale`.
Output: docs/bench-scale.png (or the path given as the second argument); with
`--markdown` instead, the BENCHMARKS.md tables on standard output.

    python3 -m venv build/venv-plot && build/venv-plot/bin/pip install matplotlib
    build/venv-plot/bin/python scripts/plot_bench.py [bench-results/scale.json] [docs/bench-scale.png]

The eucanetd estimate is the harness's formula (benches/scale_support/mod.rs, `derive`):
one request at a time, each create = system_state probe + POST + GET of Location
(spec vpc-to-midonet.md 14.3), so W x (t_write_seq + 2 t_get) plus the initial cache load
(load_gets x t_get), with t_write_seq and t_get measured on the same emulator run.
"""
import json
import sys


def euca_seconds(r):
    w = r["cold_writes"]
    return (w * (r["t_write_seq_ms"] + 2 * r["t_get_ms"])
            + r["euca_cold_load_gets"] * r["t_get_ms"]) / 1e3


def actor(r):
    """One ENI added as a VPC actor: translate + scoped plan on the slice + the measured
    execution of the same writes; "n/a" for runs made before the harness measured it."""
    if "eni_actor_plan_seconds" not in r:
        return "n/a"
    ex = r["eni"]["seconds"] - r["eni_plan_seconds"]
    tot = r["eni_actor_translate_seconds"] + r["eni_actor_plan_seconds"] + ex
    return (f"{tot * 1e3:.0f} ms (translate {r['eni_actor_translate_seconds'] * 1e3:.0f} + plan "
            f"{r['eni_actor_plan_seconds'] * 1e3:.1f} + writes {ex * 1e3:.0f})")


def markdown(rows):
    """The BENCHMARKS.md tables, from the same figures the harness prints."""
    rows = sorted(rows, key=lambda r: (r["write_latency_ms"], r["enis"]))
    p = print
    p("**Cold build** (`apply` of the whole view on an empty MidoNet: discover, plan, execute, "
      "verify by replay; T is its wall time, lock held is the emulator's `write_lock_held_seconds`):")
    p()
    p("| ENIs | VPCs | t_write | writes W | calls C | C/W | wall T | W × t_write | "
      "T/(W × t_write) | lock held | lock/W | T/lock held | peak RSS |")
    p("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        w, lat = r["cold_writes"], r["write_latency_ms"]
        floor = w * lat / 1e3
        p(f"| {r['enis']:,} | {r['vpcs']} | {lat:g} ms | {w:,} | {r['cold_calls']:,} | "
          f"{r['cold_calls'] / w:.3f} | {r['cold_seconds']:.1f} s | {floor:.1f} s | "
          f"{r['cold_seconds'] / floor if floor else float('nan'):.2f} | "
          f"{r['lock_held_seconds']:.1f} s | "
          f"{r['lock_held_seconds'] / w * 1e3:.2f} ms | "
          f"**{r['cold_seconds'] / r['lock_held_seconds']:.3f}** | {r['peak_rss_mb']:.0f} MB |")
    p()
    p("**No-change cycle and one ENI added** (library equivalents: plan against the in-memory "
      "state after the build; one ENI = a new instance in the last VPC, planned with `only` = that "
      "VPC and executed; the actor path plans the VPC's partition slice instead):")
    p()
    p("| ENIs | t_write | no-change: calls | whole-view plan (wall / CPU) | one VPC's plan | "
      "one ENI added: writes | calls | extra calls | latency (library `plan_against`) | "
      "latency as a VPC actor | target |")
    p("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        lat = r["write_latency_ms"]
        p(f"| {r['enis']:,} | {lat:g} ms | {r['nochange_calls']} | "
          f"{r['nochange_seconds'] * 1e3:.0f} ms / {r['nochange_cpu_seconds'] * 1e3:.0f} ms | "
          f"{r['nochange_vpc_seconds'] * 1e3:.2f} ms | {r['eni_writes']} | {r['eni']['calls']} | "
          f"{r['eni_extra_calls']} | {r['eni']['seconds'] * 1e3:.0f} ms "
          f"(plan {r['eni_plan_seconds'] * 1e3:.0f} ms) | {actor(r)} | "
          f"< {r['eni_writes'] * lat + 250:.0f} ms |")
    p()
    p("**Resync** (full: `prepare` = discover everything + plan the whole view; per-VPC: "
      "discover with `DiscoverFilter::core_and(that VPC's names)` + plan with `only`; both plan "
      "nothing after a build) and the same one-ENI change through today's `apply()`:")
    p()
    p("| ENIs | t_write | full resync: calls / time | per-VPC resync: calls / time | "
      "ENI via `apply()`: calls (GETs) / time | eucanetd full reload (GETs) |")
    p("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        fr, vr, ea = r["full_resync"], r["vpc_resync"], r["eni_apply"]
        p(f"| {r['enis']:,} | {r['write_latency_ms']:g} ms | {fr['calls']:,} / "
          f"{fr['seconds']:.2f} s | {vr['calls']} / {vr['seconds'] * 1e3:.0f} ms | "
          f"{ea['calls']:,} ({ea['gets']:,}) / {ea['seconds']:.2f} s | {r['euca_reload_gets']:,} |")
    p()
    p("**One VPC failing** (emulator fault rule `{match: <vpc id>, rate: 1, kinds: [internal]}`: "
      "every request naming that VPC's objects answers 500; it and a healthy VPC each get one new "
      "ENI; each is planned with `only` = itself and executed; then today's whole-view `apply()`):")
    p()
    p("| ENIs | t_write | failing VPC (scoped): calls / faulted / its steps / steps elsewhere | "
      "healthy VPC: writes / calls | `apply()` of the whole view: calls / answered elsewhere / outcome |")
    p("|---:|---:|---:|---:|---:|")
    for r in rows:
        fo, fa = r["fail_other"], r["fail_apply"]
        outcome = r["fail_apply_outcome"].split(":")[0:2]
        p(f"| {r['enis']:,} | {r['write_latency_ms']:g} ms | {r['fail_vpc_calls']} / "
          f"{r['fail_vpc_faults']} / {r['fail_vpc_steps']} / **{r['fail_vpc_steps_elsewhere']}** | "
          f"{fo['writes']} / {fo['calls']} | {fa['calls']:,} / {r['fail_apply_elsewhere']:,} / "
          f"{':'.join(outcome)} |")
    p()
    p("**eucanetd-pattern estimate** of the same cold build (below):")
    p()
    p("| ENIs | t_write | vpcmido calls | eucanetd-pattern calls | ratio | vpcmido T | "
      "eucanetd-pattern T (est.) | ratio | t_get | t_write_seq |")
    p("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        ec = 3 * r["cold_writes"] + r["euca_cold_load_gets"]
        es = euca_seconds(r)
        p(f"| {r['enis']:,} | {r['write_latency_ms']:g} ms | {r['cold_calls']:,} | {ec:,} | "
          f"{ec / r['cold_calls']:.2f} | {r['cold_seconds']:.1f} s | {es:.1f} s | "
          f"{es / r['cold_seconds']:.2f} | {r['t_get_ms']:.3f} ms | {r['t_write_seq_ms']:.2f} ms |")


def main():
    args = [a for a in sys.argv[1:] if a != "--markdown"]
    src = args[0] if args else "bench-results/scale.json"
    out = args[1] if len(args) > 1 else "docs/bench-scale.png"
    with open(src) as f:
        rows = json.load(f)["median_runs"]
    if "--markdown" in sys.argv:
        markdown(rows)
        return
    plot(rows, src, out)


def plot(rows, src, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    lats = sorted({r["write_latency_ms"] for r in rows if r["write_latency_ms"] > 0})
    if not lats:
        sys.exit("no run with a write latency > 0 in " + src)
    fig, axes = plt.subplots(1, len(lats), figsize=(6 * len(lats), 4.6), squeeze=False)
    for ax, lat in zip(axes[0], lats):
        rs = sorted((r for r in rows if r["write_latency_ms"] == lat), key=lambda r: r["enis"])
        x = [r["enis"] for r in rs]
        ax.plot(x, [euca_seconds(r) for r in rs], "s--", color="tab:red",
                label="eucanetd pattern (estimate: 3 requests/create, 1 at a time)")
        ax.plot(x, [r["cold_seconds"] for r in rs], "o-", color="tab:blue",
                label="vpcmido (measured)")
        ax.plot(x, [r["lock_held_seconds"] for r in rs], ":", color="tab:gray",
                label="emulator lock held (measured)")
        ax.plot(x, [r["cold_writes"] * lat / 1e3 for r in rs], "-", color="black", lw=1,
                label=f"floor: writes x {lat:g} ms")
        for r in rs:
            ax.annotate(f"{r['cold_writes']:,} writes", (r["enis"], r["cold_seconds"]),
                        textcoords="offset points", xytext=(-10, 8), fontsize=7)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("ENIs (10 per VPC)")
        ax.set_ylabel("cold build, seconds")
        ax.set_title(f"Cold build, emulator write latency {lat:g} ms")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print("wrote", out)


if __name__ == "__main__":
    main()
