//! Shards: `--shard I/N` for I in 0..N, merged with `casesim merge`, give byte-identical CSVs
//! to the unsharded command, for several N; merge refuses missing, duplicate and foreign
//! shards by name and writes nothing then.

use std::path::Path;
use std::process::Output;

use crate::common::{QUICK, SWEEP_CSVS, casesim, stderr};

fn sweep_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "sweep",
        "scenarios/baseline.toml",
        "--vary",
        "workforce.caseload_cap=30,70",
        "--reps",
        "3",
        "--quiet",
        "--out",
        out,
    ];
    args.extend(QUICK);
    args.extend(extra);
    args
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

fn assert_same_files(a: &Path, b: &Path, names: &[&str]) {
    for name in names {
        let (x, y) = (std::fs::read(a.join(name)), std::fs::read(b.join(name)));
        let (x, y) = (
            x.unwrap_or_else(|_| panic!("{name} missing in {a:?}")),
            y.unwrap_or_else(|_| panic!("{name} missing in {b:?}")),
        );
        assert!(x == y, "{name} differs between {a:?} and {b:?}");
    }
}

#[test]
fn merged_shards_equal_the_unsharded_sweep_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    ok(casesim(&sweep_args(whole.to_str().unwrap(), &[]), None));
    // 2 arms x 3 replications = 6 runs: 7 shards leaves one empty.
    for n in [1, 2, 4, 7] {
        let dir = tmp.path().join(format!("sharded-{n}"));
        for i in 0..n {
            let shard = format!("{i}/{n}");
            // Threads differ between shards: results must not care.
            let threads = if i % 2 == 0 { "1" } else { "2" };
            ok(casesim(
                &sweep_args(dir.to_str().unwrap(), &["--shard", &shard]),
                Some(threads),
            ));
        }
        assert!(!dir.join("summary.csv").exists(), "a shard wrote results");
        ok(casesim(&["merge", dir.to_str().unwrap()], None));
        assert_same_files(&whole, &dir, &SWEEP_CSVS);
        assert_same_files(&whole, &dir, &["headline.svg", "survival.png"]);
        let run: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("run.json")).unwrap()).unwrap();
        assert_eq!(run["shards"], n, "run.json records the shards merged");
    }
}

#[test]
fn merged_shards_equal_an_unsharded_run_and_auto_reads_slurm_variables() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    let dir = tmp.path().join("sharded");
    let run = |out: &Path, extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["run", "scenarios/baseline.toml", "--reps", "5", "--quiet"];
        args.extend(QUICK);
        args.extend(["--out", out.to_str().unwrap()]);
        args.extend(extra);
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_casesim"));
        cmd.args(&args).current_dir(env!("CARGO_MANIFEST_DIR"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        ok(cmd.output().unwrap())
    };
    run(&whole, &[], &[]);
    for i in ["0", "1", "2"] {
        run(
            &dir,
            &["--shard", "auto"],
            &[
                ("SLURM_ARRAY_TASK_ID", i),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
                ("SLURM_CPUS_PER_TASK", "1"),
            ],
        );
    }
    ok(casesim(&["merge", dir.to_str().unwrap()], None));
    assert_same_files(&whole, &dir, &SWEEP_CSVS[..5]);
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["threads"], 1, "SLURM_CPUS_PER_TASK sets the threads");
}

/// Writes shards `which` of `n` of the test sweep into `dir`.
fn shards(dir: &Path, n: u32, which: &[u32], extra: &[&str]) {
    for i in which {
        let shard = format!("{i}/{n}");
        let mut more = vec!["--shard", shard.as_str()];
        more.extend(extra);
        ok(casesim(&sweep_args(dir.to_str().unwrap(), &more), None));
    }
}

fn assert_merge_refused(dir: &Path, expect: &[&str]) {
    let o = casesim(&["merge", dir.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    for text in expect {
        assert!(stderr(&o).contains(text), "no {text:?} in: {}", stderr(&o));
    }
    assert!(
        !dir.join("summary.csv").exists(),
        "a refused merge wrote results"
    );
    assert!(!dir.join("report.html").exists());
}

#[test]
fn merge_names_missing_shards_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    shards(&dir, 4, &[0, 2], &[]);
    assert_merge_refused(
        &dir,
        &[
            "2 of 4 shards missing",
            "shard-0001-of-0004.json",
            "shard-0003-of-0004.json",
        ],
    );
}

#[test]
fn merge_names_a_duplicate_shard() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    shards(&dir, 2, &[0, 1], &[]);
    let shard_dir = dir.join("shards");
    std::fs::copy(
        shard_dir.join("shard-0001-of-0002.json"),
        shard_dir.join("copy-of-shard-1.json"),
    )
    .unwrap();
    assert_merge_refused(
        &dir,
        &["twice", "copy-of-shard-1.json", "shard-0001-of-0002.json"],
    );
}

#[test]
fn merge_refuses_shards_of_different_experiments_or_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    shards(&dir, 2, &[0], &[]);
    shards(&dir, 2, &[1], &["--seed", "99"]);
    assert_merge_refused(&dir, &["different experiment", "shard-0001-of-0002.json"]);

    let dir = tmp.path().join("e");
    shards(&dir, 2, &[0], &[]);
    shards(&dir, 3, &[1], &[]);
    assert_merge_refused(&dir, &["shards of different runs"]);

    // Not a shard at all.
    let dir = tmp.path().join("f");
    std::fs::create_dir_all(dir.join("shards")).unwrap();
    std::fs::write(dir.join("shards/shard-0000-of-0001.json"), "{\"x\": 1}").unwrap();
    assert_merge_refused(&dir, &["not a casesim shard file"]);

    // No shards directory.
    let dir = tmp.path().join("g");
    std::fs::create_dir_all(&dir).unwrap();
    assert_merge_refused(&dir, &["shards"]);
}

#[test]
fn a_bad_shard_argument_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("x");
    for (shard, expect) in [
        ("3/3", "0 to 2"),
        ("0/0", "at least 1"),
        ("a/b", "not a whole number"),
        ("2", "I/N"),
        ("auto", "SLURM_ARRAY_TASK_ID"),
    ] {
        if shard == "auto" && std::env::var_os("SLURM_ARRAY_TASK_ID").is_some() {
            continue; // inside a Slurm job array, auto is valid
        }
        let o = casesim(
            &sweep_args(out.to_str().unwrap(), &["--shard", shard]),
            None,
        );
        assert_eq!(o.status.code(), Some(2), "{shard}: {}", stderr(&o));
        assert!(stderr(&o).contains(expect), "{shard}: {}", stderr(&o));
        assert!(stderr(&o).contains("--shard"), "{}", stderr(&o));
    }
    assert!(!out.exists(), "bad input wrote output");
}

#[test]
fn slurm_writes_an_array_and_a_dependent_merge_job() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cluster");
    let mut args = vec![
        "slurm",
        "scenarios/baseline.toml",
        "--vary",
        "workforce.caseload_cap=30,70",
        "--shards",
        "4",
        "--partition",
        "short",
        "--time",
        "00:30:00",
        "--mem",
        "2G",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(QUICK);
    let o = ok(casesim(&args, None));
    let printed = String::from_utf8_lossy(&o.stdout);
    assert!(printed.contains("sbatch --parsable"), "{printed}");
    assert!(printed.contains("--dependency=afterok:$jid"), "{printed}");
    let array = std::fs::read_to_string(out.join("slurm/array.sh")).unwrap();
    for line in [
        "#SBATCH --array=0-3",
        "#SBATCH --partition=short",
        "#SBATCH --time=00:30:00",
        "#SBATCH --mem=2G",
        "#SBATCH --cpus-per-task=2",
        " sweep scenarios/baseline.toml --vary ",
        "workforce.caseload_cap=30,70",
        "simulation.weeks=120",
        "--shard auto --quiet",
    ] {
        assert!(array.contains(line), "array.sh lacks {line:?}:\n{array}");
    }
    // Every directive comes before the first command, or sbatch ignores it.
    let first_command = array
        .lines()
        .position(|l| !l.starts_with('#') && !l.trim().is_empty())
        .unwrap();
    let lines: Vec<&str> = array.lines().collect();
    let last_directive = lines
        .iter()
        .rposition(|l| l.starts_with("#SBATCH"))
        .unwrap();
    assert!(last_directive < first_command, "{array}");
    let merge = std::fs::read_to_string(out.join("slurm/merge.sh")).unwrap();
    assert!(merge.contains(" merge "), "{merge}");
    assert!(
        out.join("slurm/logs").is_dir(),
        "Slurm needs the log directory"
    );
    let submit = std::fs::read_to_string(out.join("slurm/submit.sh")).unwrap();
    assert!(submit.contains("--dependency=afterok:$jid"), "{submit}");

    // Bad input stops before any script is written.
    let bad = tmp.path().join("bad");
    let o = casesim(
        &[
            "slurm",
            "scenarios/baseline.toml",
            "--shards",
            "2",
            "--set",
            "workforce.caseload_cap=-1",
            "--out",
            bad.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("workforce.caseload_cap"));
    assert!(!bad.exists());
}
