//! Interrupted runs: a sweep killed part-way leaves no partial output, and started again it
//! runs only what is missing and ends byte-identical to an uninterrupted sweep.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{SWEEP_CSVS, casesim, stderr};

fn sweep_args(out: &Path, reps: &str) -> Vec<String> {
    [
        "sweep",
        "scenarios/caseload_sweep.toml",
        "--reps",
        reps,
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec()
}

fn checkpoint_files(out: &Path) -> usize {
    std::fs::read_dir(out.join(".checkpoint"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with("arm-"))
                .count()
        })
        .unwrap_or(0)
}

/// Starts the sweep in a child process and kills it (SIGKILL) once `after` replications are
/// kept in its checkpoint.
fn start_and_kill(out: &Path, reps: &str, after: usize) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_casesim"))
        .args(sweep_args(out, reps))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RAYON_NUM_THREADS", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let started = Instant::now();
    while checkpoint_files(out) < after {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the sweep ended ({status}) before it could be interrupted");
        }
        assert!(started.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name} in {dir:?}: {e}"))
}

#[test]
fn a_killed_sweep_restarted_skips_what_is_done_and_ends_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (killed, whole) = (dir.path().join("killed"), dir.path().join("whole"));

    start_and_kill(&killed, "10", 12);
    // Killed: no output files, only the checkpoint, whose files are all whole results.
    for name in SWEEP_CSVS {
        assert!(!killed.join(name).exists(), "{name} written before the end");
    }
    let kept = checkpoint_files(&killed);
    assert!((12..90).contains(&kept), "{kept} replications kept");
    for entry in std::fs::read_dir(killed.join(".checkpoint")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("arm-") && name.ends_with(".json") {
            let bytes = std::fs::read(&path).unwrap();
            let kept: serde_json::Value = serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("{name} is not whole: {e}"));
            serde_json::from_value::<casesim::ReplicationResult>(kept["result"].clone())
                .unwrap_or_else(|e| panic!("{name} is not a whole result: {e}"));
        }
    }

    let args = sweep_args(&killed, "10");
    // Not quiet: the printed speed is checked.
    let args: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--quiet")
        .collect();
    let resumed = casesim(&args, Some("2"));
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    let said = stderr(&resumed);
    assert!(
        said.contains("resuming: ") && said.contains(" of 90 replications already done"),
        "{said}"
    );
    // The speed is that of the replications run this time, and says so.
    let done: usize = said
        .split("resuming: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {said}"));
    let printed = String::from_utf8_lossy(&resumed.stdout);
    let speed = format!(
        "for the {} replications run this time ({done} resumed from the checkpoint)",
        90 - done
    );
    assert!(printed.contains(&speed), "{printed}");
    assert!(
        !killed.join(".checkpoint").exists(),
        "the checkpoint is removed"
    );

    let args = sweep_args(&whole, "10");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert!(casesim(&args, Some("1")).status.success());
    for name in SWEEP_CSVS {
        assert!(
            read(&killed, name) == read(&whole, name),
            "{name} differs from the uninterrupted sweep"
        );
    }
}

#[test]
fn a_killed_rerun_leaves_the_previous_complete_results() {
    let dir = tempfile::tempdir().unwrap();
    let out: PathBuf = dir.path().join("out");
    let args = sweep_args(&out, "2");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert!(casesim(&args, Some("2")).status.success());
    let before: Vec<Vec<u8>> = SWEEP_CSVS.iter().map(|n| read(&out, n)).collect();

    // A different experiment into the same directory, killed part-way.
    start_and_kill(&out, "10", 8);
    for (name, old) in SWEEP_CSVS.iter().zip(&before) {
        assert!(&read(&out, name) == old, "{name} changed");
    }

    // Its checkpoint does not belong to the 2-replication sweep: run again, it is set aside
    // (renamed, not deleted) and the note says where.
    let o = casesim(&args, Some("2"));
    assert!(o.status.success(), "{}", stderr(&o));
    let aside = out.join(".checkpoint-set-aside-1");
    assert!(
        stderr(&o).contains("kept, renamed") && stderr(&o).contains(aside.to_str().unwrap()),
        "{}",
        stderr(&o)
    );
    assert!(
        checkpoint_files(&aside.parent().unwrap().join(".checkpoint")) == 0
            && std::fs::read_dir(&aside).unwrap().count() >= 8,
        "the other experiment's replications are kept"
    );
    for (name, old) in SWEEP_CSVS.iter().zip(&before) {
        assert!(&read(&out, name) == old, "{name} differs after a fresh run");
    }
}
