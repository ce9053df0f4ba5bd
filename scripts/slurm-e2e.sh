#!/usr/bin/env bash
# End-to-end test against a real Slurm: installs Debian's slurm-wlm and munge, starts a
# single-node cluster on this machine (as root), submits a small sharded sweep through the
# scripts `casesim slurm` writes, waits for the merge job, and checks the merged CSVs equal a
# local unsharded run byte for byte. Stops the daemons it started. Recipe:
# ../shared/notes/slurm-single-node.md (Debian 12, Slurm 22.05, no systemd).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "slurm-e2e: run as root (it starts munged, slurmctld, slurmd)" >&2; exit 1; }

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
cargo build --release --quiet
CASESIM="$PWD/target/release/casesim"
WORK="$(mktemp -d /tmp/casesim-slurm.XXXXXX)"
cleanup() {
    for f in /run/slurmd.pid /run/slurmctld.pid; do
        [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
    done
    pkill -x munged 2>/dev/null || true
    # Wait for the daemons to exit, so nothing is left running.
    for _ in $(seq 1 20); do
        pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null || pgrep -x munged >/dev/null || break
        sleep 0.5
    done
}
trap cleanup EXIT

# munge
mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
[ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
chmod 400 /etc/munge/munge.key
pgrep -x munged >/dev/null || su -s /bin/sh munge -c /usr/sbin/munged
munge -n | unmunge >/dev/null

# slurm.conf for one node in a container
mkdir -p /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /etc/slurm
HOST="$(hostname -s)"
NODE="$(slurmd -C | head -n 1)"
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=local
SlurmctldHost=$HOST
AuthType=auth/munge
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MailProg=/bin/true
SlurmUser=root
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
MaxArraySize=10000
$NODE State=UNKNOWN
PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
/usr/sbin/slurmctld
sleep 2
/usr/sbin/slurmd
for _ in $(seq 1 30); do
    sinfo -h -o %t 2>/dev/null | grep -q idle && break
    sleep 1
done
sinfo

# The sweep: 3 caseload caps x 4 replications, small and quick, in 4 shards.
ARGS=(scenarios/baseline.toml --vary workforce.caseload_cap=30,50,70 --reps 4
      --set simulation.weeks=120 --set simulation.warmup_weeks=52
      --set population.initial_cases=600)
"$CASESIM" slurm "${ARGS[@]}" --shards 4 --cpus-per-task 1 --time 00:10:00 --out "$WORK/cluster"
jid=$(sbatch --parsable "$WORK/cluster/slurm/array.sh")
echo "array job $jid"
sbatch --wait --dependency=afterok:"$jid" "$WORK/cluster/slurm/merge.sh"
cat "$WORK/cluster/slurm/logs/merge.out"

# The same sweep, unsharded, here.
"$CASESIM" sweep "${ARGS[@]}" --quiet --out "$WORK/local"
for f in summary.csv stats.csv by_tier.csv by_disposal.csv timeseries.csv survival.csv compare.csv; do
    cmp "$WORK/local/$f" "$WORK/cluster/$f"
    echo "identical: $f"
done
test -s "$WORK/cluster/report.html"
echo "slurm-e2e: passed (4 shards through Slurm, merged CSVs identical to the local run)"
rm -rf "$WORK"
