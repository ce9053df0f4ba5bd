//! Your own unit: the planner's caseload (`population.initial_caseload`) and posts
//! (`workforce.posts`) read from CSV files, one row per case and one per post.
//!
//! The files are read when the scenario is loaded, with the `csv` crate and serde; every
//! problem names the file, the row and the column (exit 2), and a file that is not there or not
//! CSV is refused before anything runs. Paths written in the scenario file are relative to it;
//! a path given by `--set` is relative to the working directory. The columns are documented in
//! docs/inputs.md. What a row leaves empty (motivation, family support, work, accommodation,
//! patch, whether a post-holder is trained) is drawn by the model, each from its own named
//! draw of the case or post (see `model::unit`), so loading is deterministic.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{InputProblem, Origin};
use crate::scenario::{MAX_SEVERITY, Need, OffenceType, RiskTier, Scenario, Streaming};

/// Where a case of the initial caseload stands at week 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InitialStage {
    /// On a community order.
    Order,
    /// Serving the custodial part of a sentence.
    Custody,
    /// Released on licence.
    Licence,
}

/// One case of the initial caseload (a row of the `initial_caseload` file).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseRow {
    /// The planner's own reference for the case (not used by the model).
    #[serde(default)]
    pub reference: Option<String>,
    pub risk: RiskTier,
    pub offence: OffenceType,
    /// Severity of each criminogenic need, 0 (none) to 3; empty is 0.
    pub drugs: Option<u8>,
    pub alcohol: Option<u8>,
    pub mental_health: Option<u8>,
    pub accommodation: Option<u8>,
    pub employment: Option<u8>,
    pub family: Option<u8>,
    pub thinking: Option<u8>,
    pub stage: InitialStage,
    /// Length of the community order, or of the whole custodial sentence (custody and
    /// licence), in weeks.
    pub sentence_weeks: u32,
    /// Weeks of it served by week 0.
    pub weeks_served: u32,
    /// Of a custodial sentence, the weeks in custody before release; empty: the scenario's
    /// `custody.release_fraction` of the sentence.
    #[serde(default)]
    pub custody_weeks: Option<u32>,
    /// Age now, in years.
    pub age: f64,
    /// Patch, 1 to `population.patches`; empty: drawn.
    #[serde(default)]
    pub patch: Option<u16>,
    /// Readiness to change and family support, 0 to 1; empty: drawn from the scenario's
    /// distributions.
    #[serde(default)]
    pub motivation: Option<f64>,
    #[serde(default)]
    pub family_support: Option<f64>,
    /// In work, and in settled accommodation; empty: drawn as for a new case with its needs.
    #[serde(default, deserialize_with = "yes_no")]
    pub employed: Option<bool>,
    #[serde(default, deserialize_with = "yes_no")]
    pub settled: Option<bool>,
}

impl CaseRow {
    /// The severities, in [`Need::ALL`] order.
    pub fn severities(&self) -> [u8; Need::COUNT] {
        [
            self.drugs,
            self.alcohol,
            self.mental_health,
            self.accommodation,
            self.employment,
            self.family,
            self.thinking,
        ]
        .map(|s| s.unwrap_or(0))
    }
}

/// A true/false cell as spreadsheets and statistics packages write it: `true`/`false`,
/// `TRUE`/`FALSE` (Excel, R), `yes`/`no`, `1`/`0`; empty is none.
fn yes_no<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let text: Option<String> = Option::deserialize(d)?;
    match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => match t.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Ok(Some(true)),
            "false" | "no" | "0" => Ok(Some(false)),
            _ => Err(serde::de::Error::custom(format!(
                "`{t}` is not true or false (also TRUE/FALSE, yes/no, 1/0, or empty)"
            ))),
        },
    }
}

/// A post's grade in the posts file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostGrade {
    /// A qualified officer: may hold any case.
    Qualified,
    /// The support grade: holds cases below `workforce.qualified_from_tier`.
    Assistant,
    /// A volunteer: a few low-risk cases.
    Volunteer,
}

/// One post (a row of the `posts` file).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostRow {
    /// The planner's own reference for the post (not used by the model).
    #[serde(default)]
    pub reference: Option<String>,
    pub grade: PostGrade,
    /// Casework hours a week.
    pub hours: f64,
    /// Patch, 1 to `population.patches`.
    pub patch: u16,
    /// What the post does, by the scenario's streaming: empty under `generic`; `reports`,
    /// `supervision`, `custody` or `licence` under `task`; `reports` or a type (a risk tier,
    /// an offence type, a need or `no_need`) under `risk`, `offence` and `need`.
    #[serde(default)]
    pub specialism: Option<String>,
    /// Whether the holder is trained in core correctional practice; empty: drawn with
    /// `practice.trained_share`.
    #[serde(default, deserialize_with = "yes_no")]
    pub trained: Option<bool>,
    /// Vacant at week 0 (filled after `workforce.vacancy_weeks`); empty: filled.
    #[serde(default, deserialize_with = "yes_no")]
    pub vacant: Option<bool>,
    /// Most cases the post may hold; empty: `workforce.caseload_cap` (a volunteer's,
    /// `workforce.volunteer_caseload_cap`).
    #[serde(default)]
    pub cap: Option<u32>,
}

/// What a post's `specialism` says it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostWork {
    /// Everything in its patch (generic streaming).
    All,
    Reports,
    Supervision,
    Custody,
    Licence,
    /// Supervision of one type of case (type streaming): the type's index.
    Type(usize),
}

impl PostRow {
    /// What the post does under `streaming`, or why its specialism does not fit.
    pub fn work(&self, streaming: Streaming) -> Result<PostWork, String> {
        let given = self.specialism.as_deref().map(str::trim).unwrap_or("");
        let volunteer = self.grade == PostGrade::Volunteer;
        if volunteer {
            return if given.is_empty() || given == "supervision" {
                Ok(PostWork::Supervision)
            } else {
                Err("a volunteer supervises low-risk cases: leave it empty".into())
            };
        }
        match streaming {
            Streaming::Generic if given.is_empty() => Ok(PostWork::All),
            Streaming::Generic => Err(format!(
                "`{given}`: under generic streaming every post does everything in its patch, so \
                 leave it empty"
            )),
            Streaming::Task => match given {
                "reports" => Ok(PostWork::Reports),
                "supervision" => Ok(PostWork::Supervision),
                "custody" => Ok(PostWork::Custody),
                "licence" => Ok(PostWork::Licence),
                _ => Err(format!(
                    "`{given}`: under task streaming it is one of reports, supervision, custody, \
                     licence"
                )),
            },
            by_type => {
                if given == "reports" {
                    return Ok(PostWork::Reports);
                }
                let names = type_names(by_type);
                names
                    .iter()
                    .position(|n| *n == given)
                    .map(PostWork::Type)
                    .ok_or_else(|| {
                        format!(
                            "`{given}`: under {} streaming it is reports or one of {}",
                            streaming_name(by_type),
                            names.join(", ")
                        )
                    })
            }
        }
    }
}

fn streaming_name(s: Streaming) -> &'static str {
    match s {
        Streaming::Generic => "generic",
        Streaming::Task => "task",
        Streaming::Risk => "risk",
        Streaming::Offence => "offence",
        Streaming::Need => "need",
    }
}

/// The names of the case types of a streaming by type, in type order.
pub fn type_names(s: Streaming) -> Vec<&'static str> {
    match s {
        Streaming::Risk => RiskTier::ALL.iter().map(|t| t.name()).collect(),
        Streaming::Offence => OffenceType::ALL.iter().map(|t| t.name()).collect(),
        Streaming::Need => Need::ALL
            .iter()
            .map(|n| n.name())
            .chain(["no_need"])
            .collect(),
        Streaming::Generic | Streaming::Task => Vec::new(),
    }
}

/// What `population.cases_in_force` worked out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InflowWorkedOut {
    pub cases_in_force: u32,
    /// Weeks each new case is held by a case manager, on average, as measured on a pilot
    /// run; and as its sentence's due length gives them (more: orders revoked early are held
    /// less).
    pub weeks_held_per_case: f64,
    pub weeks_due_per_case: f64,
    pub inflow_per_week: f64,
    /// Sentences in force at the start (`initial_cases`), and whether the initial caseload
    /// file gave them (else they were worked out: the inflow times the mean sentence).
    pub initial_cases: u32,
    pub initial_cases_from_file: bool,
}

/// The rows of the unit's files, read when the scenario is loaded, and what
/// `cases_in_force` worked out (set by `experiment::steady::resolve`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnitData {
    pub initial_caseload: Option<Arc<Vec<CaseRow>>>,
    pub posts: Option<Arc<Vec<PostRow>>>,
    pub inflow_worked_out: Option<InflowWorkedOut>,
}

/// The largest file read: far above any unit's (a row is under 100 bytes).
const MAX_FILE_BYTES: u64 = 1 << 30;

/// A problem at a row (1 = the first after the header) and column of a file.
fn at(
    path: &Path,
    key: &str,
    row: Option<usize>,
    column: Option<&str>,
    message: String,
) -> InputProblem {
    let mut text = String::new();
    if let Some(r) = row {
        text.push_str(&format!("row {r}, "));
    }
    if let Some(c) = column {
        text.push_str(&format!("column `{c}`: "));
    }
    text.push_str(&message);
    InputProblem {
        origin: Origin::File {
            path: path.to_path_buf(),
            // The file's line: the header is line 1.
            line: row.map(|r| r + 1),
        },
        key: Some(key.to_string()),
        message: text,
    }
}

/// Reads a CSV file of rows of type `T`; `check` finds a row's problems (column, message).
fn read_rows<T: for<'de> Deserialize<'de>>(
    path: &Path,
    key: &str,
    check: impl Fn(&T) -> Vec<(&'static str, String)>,
) -> Result<Vec<T>, Vec<InputProblem>> {
    let one = |row, column, message| vec![at(path, key, row, column, message)];
    let metadata = std::fs::metadata(path)
        .map_err(|e| one(None, None, format!("cannot read the file: {e}")))?;
    if !metadata.is_file() {
        return Err(one(None, None, "is not a regular file (a CSV file)".into()));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(one(
            None,
            None,
            format!("is {} bytes, larger than {MAX_FILE_BYTES}", metadata.len()),
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| one(None, None, format!("cannot read the file: {e}")))?;
    let headers = reader
        .headers()
        .map_err(|e| one(Some(0), None, format!("cannot read the header: {e}")))?
        .clone();
    let column = |i: Option<u64>| {
        i.and_then(|i| headers.get(i as usize))
            .map(|h| h.to_string())
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(at(path, key, Some(row), None, csv_message(&e)));
                break;
            }
        };
        match record.deserialize::<T>(Some(&headers)) {
            Ok(r) => {
                for (col, message) in check(&r) {
                    problems.push(at(path, key, Some(row), Some(col), message));
                }
                rows.push(r);
            }
            Err(e) => {
                let (col, message) = match e.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => {
                        let message = err.to_string();
                        // An unknown name (`unknown variant \`medum\``) comes without its
                        // field: the column is the one holding that value.
                        let col = column(err.field()).or_else(|| {
                            let bad = message.split('`').nth(1)?;
                            let i = record.iter().position(|cell| cell == bad)?;
                            headers.get(i).map(str::to_string)
                        });
                        (col, message)
                    }
                    _ => (None, csv_message(&e)),
                };
                problems.push(at(path, key, Some(row), col.as_deref(), message));
            }
        }
        if problems.len() >= 20 {
            break;
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(at(
            path,
            key,
            None,
            None,
            "has no rows after the header".into(),
        ));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// A CSV error's message without the position the problem already gives.
fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("has {len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "is not UTF-8 text".into(),
        _ => e.to_string(),
    }
}

fn in_unit(v: Option<f64>) -> bool {
    v.is_none_or(|v| (0.0..=1.0).contains(&v))
}

/// A row of the initial caseload's problems, by column.
fn check_case(row: &CaseRow, s: &Scenario) -> Vec<(&'static str, String)> {
    let mut p = Vec::new();
    for (need, severity) in Need::ALL.iter().zip(row.severities()) {
        if severity > MAX_SEVERITY {
            p.push((
                need.name(),
                format!("severity {severity} is above {MAX_SEVERITY} (0 none, 1 mild, 2 moderate, 3 severe)"),
            ));
        }
    }
    if row.sentence_weeks == 0 || row.sentence_weeks > crate::scenario::MAX_WEEKS {
        p.push((
            "sentence_weeks",
            format!(
                "{} is not from 1 to {}",
                row.sentence_weeks,
                crate::scenario::MAX_WEEKS
            ),
        ));
    } else if row.weeks_served >= row.sentence_weeks {
        p.push((
            "weeks_served",
            format!(
                "{} is not below sentence_weeks ({}): a case under supervision has some of its \
                 sentence to run",
                row.weeks_served, row.sentence_weeks
            ),
        ));
    }
    match (row.stage, row.custody_weeks) {
        (InitialStage::Order, Some(_)) => p.push((
            "custody_weeks",
            "is for custodial sentences: leave it empty on a community order".into(),
        )),
        (InitialStage::Custody | InitialStage::Licence, Some(c)) => {
            if c == 0 || c >= row.sentence_weeks {
                p.push((
                    "custody_weeks",
                    format!(
                        "{c} is not from 1 to below sentence_weeks ({})",
                        row.sentence_weeks
                    ),
                ));
            } else if row.stage == InitialStage::Custody && row.weeks_served >= c {
                p.push((
                    "weeks_served",
                    format!(
                        "{} is not below custody_weeks ({c}) for a case in custody",
                        row.weeks_served
                    ),
                ));
            } else if row.stage == InitialStage::Licence && row.weeks_served < c {
                p.push((
                    "weeks_served",
                    format!(
                        "{} is below custody_weeks ({c}) for a case on licence",
                        row.weeks_served
                    ),
                ));
            }
        }
        _ => {}
    }
    if !(10.0..=100.0).contains(&row.age) {
        p.push(("age", format!("{} is not from 10 to 100 years", row.age)));
    }
    if let Some(patch) = row.patch {
        if patch == 0 || patch > s.population.patches {
            p.push((
                "patch",
                format!(
                    "{patch} is not from 1 to population.patches ({})",
                    s.population.patches
                ),
            ));
        }
    }
    if !in_unit(row.motivation) {
        p.push(("motivation", "is not from 0 to 1".into()));
    }
    if !in_unit(row.family_support) {
        p.push(("family_support", "is not from 0 to 1".into()));
    }
    p
}

/// A row of the posts' problems, by column.
fn check_post(row: &PostRow, s: &Scenario) -> Vec<(&'static str, String)> {
    let mut p = Vec::new();
    if !(row.hours > 0.0 && row.hours <= 168.0) {
        p.push((
            "hours",
            format!("{} is not above 0 and at most 168", row.hours),
        ));
    }
    if row.patch == 0 || row.patch > s.population.patches {
        p.push((
            "patch",
            format!(
                "{} is not from 1 to population.patches ({})",
                row.patch, s.population.patches
            ),
        ));
    }
    if let Err(message) = row.work(s.organisation.streaming) {
        p.push(("specialism", message));
    }
    if row.cap == Some(0) || row.cap.is_some_and(|c| c > crate::scenario::MAX_POSTS) {
        p.push(("cap", "is not from 1 to 1000000".into()));
    }
    p
}

/// Where a file named at `key` is: relative to the scenario file when the file names it,
/// to the working directory when `--set` does.
fn resolve(written: &str, origin: &Origin, scenario_path: &Path) -> PathBuf {
    let path = Path::new(written);
    match origin {
        Origin::File { .. } if path.is_relative() => {
            scenario_path.parent().unwrap_or(Path::new("")).join(path)
        }
        _ => path.to_path_buf(),
    }
}

/// A file's problems when an argument (`--set`) named the file: each is the argument's,
/// with the file, row and column in its message.
fn from_argument(problems: Vec<InputProblem>, origin: Origin) -> Vec<InputProblem> {
    match origin {
        Origin::File { .. } => problems,
        argument => problems
            .into_iter()
            .map(|p| InputProblem {
                message: format!("{}: {}", p.origin, p.message),
                origin: argument.clone(),
                key: p.key,
            })
            .collect(),
    }
}

/// Reads the unit's files named in `s` into `s.unit`, and sets the counts they replace
/// (`initial_cases`; `case_managers`, `volunteers` and `qualified_share`). `origin_of` says
/// where a key's value came from (for resolving relative paths); `given` says whether the file
/// or `--set` wrote a key, so that giving a key a file replaces is refused.
pub fn read_unit(
    s: &mut Scenario,
    scenario_path: &Path,
    origin_of: impl Fn(&str) -> Origin,
    given: impl Fn(&str) -> bool,
) -> Vec<InputProblem> {
    let mut problems = Vec::new();
    let conflict = |key: &str, replaced: &str, origin: Origin| InputProblem {
        origin,
        key: Some(replaced.to_string()),
        message: format!("is given by `{key}`: give one or the other"),
    };
    for (key, replaced) in [
        ("population.initial_caseload", "population.initial_cases"),
        ("population.cases_in_force", "population.inflow_per_week"),
        ("workforce.posts", "workforce.case_managers"),
        ("workforce.posts", "workforce.volunteers"),
        ("workforce.posts", "workforce.qualified_share"),
    ] {
        let set = match key {
            "population.initial_caseload" => !s.population.initial_caseload.is_empty(),
            "population.cases_in_force" => s.population.cases_in_force > 0,
            _ => !s.workforce.posts.is_empty(),
        };
        if !(set && given(replaced)) {
            continue;
        }
        let is_argument = |o: &Origin| matches!(o, Origin::Set(_) | Origin::Argument(_));
        let (by, of_replaced) = (origin_of(key), origin_of(replaced));
        match (is_argument(&by), is_argument(&of_replaced)) {
            // An argument replaces what the file says: `--set population.cases_in_force=N`
            // on a scenario with an inflow, or a caseload file on one with initial cases.
            (true, false) => {}
            // An inflow given as an argument replaces the file's cases in force.
            (false, true) if key == "population.cases_in_force" => {
                s.population.cases_in_force = 0;
            }
            // Both in the file, or both as arguments (or an argument for a key the file's
            // CSV gives): one or the other.
            (true, true) => problems.push(conflict(key, replaced, by)),
            _ => problems.push(conflict(key, replaced, of_replaced)),
        }
    }
    if !s.population.initial_caseload.is_empty() {
        let key = "population.initial_caseload";
        let path = resolve(
            &s.population.initial_caseload,
            &origin_of(key),
            scenario_path,
        );
        match read_rows::<CaseRow>(&path, key, |r| check_case(r, s))
            .map_err(|p| from_argument(p, origin_of(key)))
        {
            Ok(rows) => {
                s.population.initial_cases = rows.len().min(u32::MAX as usize) as u32;
                s.unit.initial_caseload = Some(Arc::new(rows));
            }
            Err(p) => problems.extend(p),
        }
    }
    if !s.workforce.posts.is_empty() {
        let key = "workforce.posts";
        let path = resolve(&s.workforce.posts, &origin_of(key), scenario_path);
        match read_rows::<PostRow>(&path, key, |r| check_post(r, s))
            .map_err(|p| from_argument(p, origin_of(key)))
        {
            Ok(rows) => {
                let staff = rows.iter().filter(|r| r.grade != PostGrade::Volunteer);
                let (staff, qualified) = staff.fold((0u32, 0u32), |(n, q), r| {
                    (n + 1, q + u32::from(r.grade == PostGrade::Qualified))
                });
                if staff == 0 {
                    let p = at(
                        &path,
                        key,
                        None,
                        None,
                        "has no paid posts (only volunteers)".into(),
                    );
                    problems.extend(from_argument(vec![p], origin_of(key)));
                }
                s.workforce.case_managers = staff;
                s.workforce.volunteers = rows.len() as u32 - staff;
                s.workforce.qualified_share = if staff > 0 {
                    f64::from(qualified) / f64::from(staff)
                } else {
                    1.0
                };
                s.unit.posts = Some(Arc::new(rows));
            }
            Err(p) => problems.extend(p),
        }
    }
    problems
}
