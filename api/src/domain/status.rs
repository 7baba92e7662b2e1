//! The colour of a person's QR code, green or black, decided from their health records under a
//! versioned status policy, with the reason in words and the window in which the colour holds.
//!
//! Each qualifying fact (a vaccination dose, a recovery, a negative test) earns an interval of
//! green. Overlapping and touching intervals merge; a person is green exactly while an instant
//! falls inside one, and the reason names the fact that decides.

use std::cmp::Ordering;
use std::ops::RangeInclusive;

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::time::{local_date, start_of_local_day, to_local};

/// Days a policy may make a person wait after a dose.
const WAIT_DAYS: RangeInclusive<u32> = 0..=365;

/// Days a vaccination or a recovery may stay green.
const VALID_DAYS: RangeInclusive<u32> = 1..=3650;

/// Hours a negative test may stay green.
const VALID_HOURS: RangeInclusive<u32> = 1..=720;

/// A status policy: versioned rules with the local date from which they apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The name stored with every scan this policy decides, e.g. `hcmc-2021-10-01`.
    pub version: String,
    /// The first local date on which the policy is in force.
    pub effective_from: NaiveDate,
    /// What makes a person green.
    pub rules: PolicyRules,
}

/// The rules of a policy, stored as JSON in the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// A misspelt field would otherwise load as an absent optional rule and change colours silently.
#[serde(deny_unknown_fields)]
pub struct PolicyRules {
    /// When a vaccination dose makes a person green.
    pub vaccination: VaccinationRule,
    /// How long a recovery keeps a person green.
    pub recovery: RecoveryRule,
    /// How long a negative test keeps a person green; `None` when a test does not count.
    pub negative_test: Option<TestRule>,
}

/// When a vaccination dose makes a person green.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaccinationRule {
    /// Whole local days after the day of the dose before green begins, at local midnight.
    pub wait_days: u32,
    /// Which doses count.
    pub doses: DoseRequirement,
    /// Days green lasts from its first day; `None` when vaccination does not expire.
    pub valid_days: Option<u32>,
}

/// Which vaccination doses make a person green.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DoseRequirement {
    /// Every dose counts.
    AnyDose,
    /// Only a dose that completes the primary series of its vaccine, or a later one.
    FullSeries,
}

/// How long a recovery keeps a person green.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecoveryRule {
    /// Local days of green, counted from the day of recovery as day 0.
    pub valid_days: u32,
}

/// How long a negative test keeps a person green.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestRule {
    /// Hours of green from the moment the sample was taken.
    pub valid_hours: u32,
}

/// A policy whose rules cannot be put in force, with the change that would fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The wait after a dose is longer than a year.
    #[error(
        "vaccination.wait_days is {0}; use a number of days from {min} to {max}",
        min = WAIT_DAYS.start(),
        max = WAIT_DAYS.end()
    )]
    WaitDays(u32),
    /// Vaccination is set to stay green for no time or for more than ten years.
    #[error(
        "vaccination.valid_days is {0}; use a number of days from {min} to {max}, \
         or leave it empty if vaccination does not expire",
        min = VALID_DAYS.start(),
        max = VALID_DAYS.end()
    )]
    VaccinationValidDays(u32),
    /// A recovery is set to stay green for no time or for more than ten years.
    #[error(
        "recovery.valid_days is {0}; use a number of days from {min} to {max}",
        min = VALID_DAYS.start(),
        max = VALID_DAYS.end()
    )]
    RecoveryValidDays(u32),
    /// A negative test is set to stay green for no time or for more than thirty days.
    #[error(
        "negative_test.valid_hours is {0}; use a number of hours from {min} to {max}, \
         or leave negative_test empty if a negative test should not make a person green",
        min = VALID_HOURS.start(),
        max = VALID_HOURS.end()
    )]
    TestValidHours(u32),
}

impl PolicyRules {
    /// Checks that every number lies in a range a health authority could mean.
    ///
    /// # Errors
    ///
    /// The first number out of range, with the range to use instead.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let vaccination = &self.vaccination;
        if !WAIT_DAYS.contains(&vaccination.wait_days) {
            return Err(PolicyError::WaitDays(vaccination.wait_days));
        }
        if let Some(days) = vaccination.valid_days
            && !VALID_DAYS.contains(&days)
        {
            return Err(PolicyError::VaccinationValidDays(days));
        }

        if !VALID_DAYS.contains(&self.recovery.valid_days) {
            return Err(PolicyError::RecoveryValidDays(self.recovery.valid_days));
        }

        if let Some(test) = &self.negative_test
            && !VALID_HOURS.contains(&test.valid_hours)
        {
            return Err(PolicyError::TestValidHours(test.valid_hours));
        }

        Ok(())
    }
}

/// One vaccination dose as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dose {
    /// The vaccine's code in the reference list, e.g. `pfizer`.
    pub vaccine_code: String,
    /// The vaccine's name as shown to people, e.g. `Pfizer-BioNTech (Comirnaty)`.
    pub vaccine_name: String,
    /// Doses in the vaccine's primary series: 1 for Janssen, 3 for Abdala, 2 for most.
    pub primary_doses: u8,
    /// The dose's number as recorded. It orders doses given on one day and names the dose in
    /// reasons; whether a series is complete is counted from the history instead.
    pub dose_number: u8,
    /// The local date of the dose.
    pub administered_on: NaiveDate,
}

/// A recovery from COVID-19 certified by the ward (F0 khỏi bệnh).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// The local date of the positive test.
    pub positive_on: NaiveDate,
    /// The local date of recovery, from which the recovery counts.
    pub recovered_on: NaiveDate,
}

/// The kind of a COVID-19 test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestKind {
    /// A PCR test.
    Pcr,
    /// A rapid antigen test.
    RapidAntigen,
}

/// The result of one COVID-19 test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResult {
    /// When the sample was taken.
    pub sampled_at: DateTime<Utc>,
    /// Whether the test found the virus. Only a negative test can make a person green.
    pub positive: bool,
    /// How the sample was tested.
    pub kind: TestKind,
}

/// Everything known about one person's health that bears on their colour, in any order.
#[derive(Debug, Clone, Copy, Default)]
pub struct HealthRecords<'a> {
    /// Every vaccination dose.
    pub doses: &'a [Dose],
    /// Every recovery.
    pub recoveries: &'a [Recovery],
    /// Every test result.
    pub tests: &'a [TestResult],
}

/// The colour of a personal QR code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Colour {
    /// The person meets the policy.
    Green,
    /// The person does not meet the policy, or nothing is known about them.
    Black,
}

impl Colour {
    /// The colour's stable name: `green` or `black`.
    pub fn as_str(self) -> &'static str {
        match self {
            Colour::Green => "green",
            Colour::Black => "black",
        }
    }
}

/// A colour at one instant, why, and how long it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The colour at the instant evaluated.
    pub colour: Colour,
    /// The fact that decided the colour, in words.
    pub reason: Reason,
    /// When this colour began; `None` when it has held for as long as the records go back.
    pub valid_from: Option<DateTime<Utc>>,
    /// When this colour ends, exclusive; `None` when nothing on record will change it.
    pub valid_until: Option<DateTime<Utc>>,
    /// The version of the policy that decided.
    pub policy_version: String,
}

/// Why a person has their colour, for the person and for staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// A stable code for programs.
    pub code: ReasonCode,
    /// The reason in English.
    pub text_en: String,
    /// The reason in Vietnamese.
    pub text_vi: String,
}

/// The kind of fact that decided a colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonCode {
    /// Green by a vaccination dose.
    GreenVaccinated,
    /// Green by a recovery.
    GreenRecovered,
    /// Green by a negative test.
    GreenNegativeTest,
    /// Black: no vaccination, recovery or counted test is on record.
    BlackNoRecords,
    /// Black: a dose will make the person green once the wait is over.
    BlackWaitingAfterDose,
    /// Black: a recovery or test on record is dated after the instant evaluated.
    BlackNotYetValid,
    /// Black: the latest dose does not complete a primary series, which the policy requires.
    BlackSeriesIncomplete,
    /// Black: the green that a vaccination gave has expired.
    BlackVaccinationExpired,
    /// Black: the green that a recovery gave has expired.
    BlackRecoveryExpired,
    /// Black: the green that a negative test gave has expired.
    BlackTestExpired,
}

impl ReasonCode {
    /// The code's stable snake_case name, e.g. `black_waiting_after_dose`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::GreenVaccinated => "green_vaccinated",
            ReasonCode::GreenRecovered => "green_recovered",
            ReasonCode::GreenNegativeTest => "green_negative_test",
            ReasonCode::BlackNoRecords => "black_no_records",
            ReasonCode::BlackWaitingAfterDose => "black_waiting_after_dose",
            ReasonCode::BlackNotYetValid => "black_not_yet_valid",
            ReasonCode::BlackSeriesIncomplete => "black_series_incomplete",
            ReasonCode::BlackVaccinationExpired => "black_vaccination_expired",
            ReasonCode::BlackRecoveryExpired => "black_recovery_expired",
            ReasonCode::BlackTestExpired => "black_test_expired",
        }
    }
}

/// The policy in force at `at`: the one with the latest `effective_from` on or before the local
/// date of `at`. Two policies should never share a date; if they do, the later one listed wins.
pub fn policy_in_force(policies: &[Policy], at: DateTime<Utc>) -> Option<&Policy> {
    let today = local_date(at);

    policies
        .iter()
        .filter(|policy| policy.effective_from <= today)
        .max_by_key(|policy| policy.effective_from)
}

/// The colour of a person at `at` under `policy`, with its reason and the window it holds in.
pub fn evaluate(policy: &Policy, records: &HealthRecords<'_>, at: DateTime<Utc>) -> Evaluation {
    let grants = grants(&policy.rules, records);
    let windows = merge(&grants);

    let (colour, reason, valid_from, valid_until) = match locate(&windows, at) {
        Position::Inside(window) => {
            let reason = green_reason(&grants, at);
            (Colour::Green, reason, Some(window.start), window.end)
        }
        Position::Outside { previous, next } => {
            let reason = black_reason(&policy.rules, records.doses, &grants, at);
            let since = previous.and_then(|window| window.end);
            (
                Colour::Black,
                reason,
                since,
                next.map(|window| window.start),
            )
        }
    };

    Evaluation {
        colour,
        reason,
        valid_from,
        valid_until,
        policy_version: policy.version.clone(),
    }
}

/// The green window containing `at`, or else the next one to begin after it, as its start and
/// its end (exclusive, `None` for open-ended); `None` when the records promise no green. The QR
/// code's offline validity is signed from this.
pub fn green_window(
    policy: &Policy,
    records: &HealthRecords<'_>,
    at: DateTime<Utc>,
) -> Option<(DateTime<Utc>, Option<DateTime<Utc>>)> {
    let windows = merge(&grants(&policy.rules, records));

    let window = match locate(&windows, at) {
        Position::Inside(window) => window,
        Position::Outside { next, .. } => next?,
    };
    Some((window.start, window.end))
}

/// A half-open interval of green: from `start` up to, not including, `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    start: DateTime<Utc>,
    /// `None` when the green never ends.
    end: Option<DateTime<Utc>>,
}

impl Window {
    fn contains(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && self.end.is_none_or(|end| at < end)
    }

    fn is_empty(&self) -> bool {
        self.end.is_some_and(|end| end <= self.start)
    }

    /// Whether a window starting at `start` overlaps or touches this one.
    fn reaches(&self, start: DateTime<Utc>) -> bool {
        self.end.is_none_or(|end| start <= end)
    }

    /// Orders by end, with a window that never ends after every other.
    fn cmp_end(&self, other: &Window) -> Ordering {
        match (self.end, other.end) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(mine), Some(theirs)) => mine.cmp(&theirs),
        }
    }
}

/// A record that can make a person green.
#[derive(Debug, Clone, Copy)]
enum Fact<'r> {
    Dose(&'r Dose),
    Recovery(&'r Recovery),
    Test(&'r TestResult),
}

/// The green window one fact earns under a policy, before windows are merged.
#[derive(Debug, Clone, Copy)]
struct Grant<'r> {
    window: Window,
    fact: Fact<'r>,
}

/// Where an instant lies among the merged, ordered green windows.
enum Position {
    Inside(Window),
    Outside {
        previous: Option<Window>,
        next: Option<Window>,
    },
}

/// Every green window the records earn under `rules`, one per qualifying fact.
fn grants<'r>(rules: &PolicyRules, records: &HealthRecords<'r>) -> Vec<Grant<'r>> {
    let mut grants = vaccination_grants(&rules.vaccination, records.doses);
    grants.extend(recovery_grants(&rules.recovery, records.recoveries));
    if let Some(rule) = &rules.negative_test {
        grants.extend(test_grants(rule, records.tests));
    }

    // Only a policy that fails validation yields an empty window, and it must not count as green.
    grants.retain(|grant| !grant.window.is_empty());
    grants
}

fn vaccination_grants<'r>(rule: &VaccinationRule, doses: &'r [Dose]) -> Vec<Grant<'r>> {
    dose_history(doses)
        .into_iter()
        .filter(|&(dose, doses_so_far)| meets_requirement(rule.doses, dose, doses_so_far))
        .map(|(dose, _)| {
            let first_green_day = add_days(dose.administered_on, rule.wait_days);
            let end = rule
                .valid_days
                .map(|days| start_of_local_day(add_days(first_green_day, days)));
            let window = Window {
                start: start_of_local_day(first_green_day),
                end,
            };
            Grant {
                window,
                fact: Fact::Dose(dose),
            }
        })
        .collect()
}

fn recovery_grants<'r>(
    rule: &RecoveryRule,
    recoveries: &'r [Recovery],
) -> impl Iterator<Item = Grant<'r>> {
    recoveries.iter().map(|recovery| {
        let end = add_days(recovery.recovered_on, rule.valid_days);
        let window = Window {
            start: start_of_local_day(recovery.recovered_on),
            end: Some(start_of_local_day(end)),
        };
        Grant {
            window,
            fact: Fact::Recovery(recovery),
        }
    })
}

fn test_grants<'r>(rule: &TestRule, tests: &'r [TestResult]) -> impl Iterator<Item = Grant<'r>> {
    tests.iter().filter(|test| !test.positive).map(|test| {
        let window = Window {
            start: test.sampled_at,
            end: Some(add_hours(test.sampled_at, rule.valid_hours)),
        };
        Grant {
            window,
            fact: Fact::Test(test),
        }
    })
}

/// The doses in the order they were given, each with how many doses the person had by then.
///
/// Doses of every vaccine count together, so that a mixed series (AstraZeneca then Pfizer)
/// completes like a single one.
fn dose_history(doses: &[Dose]) -> Vec<(&Dose, usize)> {
    let mut ordered: Vec<&Dose> = doses.iter().collect();
    ordered.sort_by_key(|dose| (dose.administered_on, dose.dose_number));

    ordered.into_iter().zip(1..).collect()
}

fn meets_requirement(requirement: DoseRequirement, dose: &Dose, doses_so_far: usize) -> bool {
    match requirement {
        DoseRequirement::AnyDose => true,
        DoseRequirement::FullSeries => doses_so_far >= usize::from(dose.primary_doses),
    }
}

/// Joins overlapping and touching windows, so that green without a gap is one window.
fn merge(grants: &[Grant<'_>]) -> Vec<Window> {
    let mut windows: Vec<Window> = grants.iter().map(|grant| grant.window).collect();
    windows.sort_by_key(|window| window.start);

    let mut merged: Vec<Window> = Vec::with_capacity(windows.len());
    for window in windows {
        match merged.last_mut() {
            Some(last) if last.reaches(window.start) => {
                if last.cmp_end(&window) == Ordering::Less {
                    last.end = window.end;
                }
            }
            _ => merged.push(window),
        }
    }
    merged
}

/// Finds `at` among merged windows, which are ordered and apart.
fn locate(windows: &[Window], at: DateTime<Utc>) -> Position {
    if let Some(window) = windows.iter().find(|window| window.contains(at)) {
        return Position::Inside(*window);
    }

    // A window that started by `at` without containing it has already ended.
    Position::Outside {
        previous: windows
            .iter()
            .rev()
            .find(|window| window.start <= at)
            .copied(),
        next: windows.iter().find(|window| window.start > at).copied(),
    }
}

/// Names the fact that keeps the person green longest; among equals, the one green since
/// earliest, which matches the start of the window.
fn green_reason(grants: &[Grant<'_>], at: DateTime<Utc>) -> Reason {
    let decisive = grants
        .iter()
        .filter(|grant| grant.window.contains(at))
        .max_by(|a, b| {
            let lasts_longer = a.window.cmp_end(&b.window);
            lasts_longer.then_with(|| b.window.start.cmp(&a.window.start))
        });

    // `at` lies in a merged window only if it lies in a grant merged into it, so the
    // fallback is never taken; it keeps the function total.
    let Some(grant) = decisive else {
        return no_records_reason();
    };

    let (window, clock) = (grant.window, grant.fact.clock());
    let (code, span) = match grant.fact {
        Fact::Dose(_) => (ReasonCode::GreenVaccinated, green_from(window, clock)),
        Fact::Recovery(_) => (ReasonCode::GreenRecovered, green_until(window, clock)),
        Fact::Test(_) => (ReasonCode::GreenNegativeTest, green_until(window, clock)),
    };
    grant.fact.subject().and(span).into_reason(code)
}

/// Explains black by what the person can act on first: when green will begin, then what is
/// missing from a series, then what has expired.
fn black_reason(
    rules: &PolicyRules,
    doses: &[Dose],
    grants: &[Grant<'_>],
    at: DateTime<Utc>,
) -> Reason {
    pending_reason(grants, at)
        .or_else(|| incomplete_series_reason(rules.vaccination.doses, doses))
        .or_else(|| lapsed_reason(&rules.recovery, grants, at))
        .unwrap_or_else(no_records_reason)
}

/// Names the fact whose green begins soonest after `at`.
fn pending_reason(grants: &[Grant<'_>], at: DateTime<Utc>) -> Option<Reason> {
    let grant = grants
        .iter()
        .filter(|grant| grant.window.start > at)
        .min_by(|a, b| {
            let starts_sooner = a.window.start.cmp(&b.window.start);
            starts_sooner.then_with(|| b.window.cmp_end(&a.window))
        })?;

    let code = match grant.fact {
        Fact::Dose(_) => ReasonCode::BlackWaitingAfterDose,
        Fact::Recovery(_) | Fact::Test(_) => ReasonCode::BlackNotYetValid,
    };
    let span = green_from(grant.window, grant.fact.clock());
    Some(grant.fact.subject().and(span).into_reason(code))
}

/// Explains a latest dose that does not complete the primary series the policy requires.
///
/// The number shown is how many doses the history holds, not the dose's recorded number, so
/// that a missing earlier dose shows as such.
fn incomplete_series_reason(requirement: DoseRequirement, doses: &[Dose]) -> Option<Reason> {
    let (latest, doses_so_far) = dose_history(doses).pop()?;
    if meets_requirement(requirement, latest, doses_so_far) {
        return None;
    }

    let of = latest.primary_doses;
    let name = &latest.vaccine_name;
    let on = latest.administered_on;
    let words = Words::new(
        format!("dose {doses_so_far} of {of} of {name} on {on}; the series is not complete"),
        format!("mũi {doses_so_far}/{of} {name} ngày {on}; chưa tiêm đủ liều cơ bản"),
    );
    Some(words.into_reason(ReasonCode::BlackSeriesIncomplete))
}

/// Names the fact whose green ended last.
fn lapsed_reason(rule: &RecoveryRule, grants: &[Grant<'_>], at: DateTime<Utc>) -> Option<Reason> {
    let grant = grants
        .iter()
        .filter(|grant| grant.window.end.is_some_and(|end| end <= at))
        .max_by(|a, b| a.window.cmp_end(&b.window))?;

    let code = match grant.fact {
        Fact::Dose(_) => ReasonCode::BlackVaccinationExpired,
        Fact::Test(_) => ReasonCode::BlackTestExpired,
        Fact::Recovery(recovery) => {
            // People count a recovery in days since it, so say how many have passed.
            let (on, days) = (recovery.recovered_on, rule.valid_days);
            let words = Words::new(
                format!("recovered on {on}, which was {days} days or more ago"),
                format!("khỏi bệnh COVID-19 ngày {on}, cách đây từ {days} ngày trở lên"),
            );
            return Some(words.into_reason(ReasonCode::BlackRecoveryExpired));
        }
    };

    let span = green_until(grant.window, grant.fact.clock());
    let passed = Words::new("which has passed", "đã hết hạn");
    Some(grant.fact.subject().and(span).and(passed).into_reason(code))
}

fn no_records_reason() -> Reason {
    let words = Words::new(
        "no vaccination or recovery recorded",
        "chưa có dữ liệu tiêm chủng hoặc khỏi bệnh",
    );
    words.into_reason(ReasonCode::BlackNoRecords)
}

/// A phrase of a reason in both of its languages.
struct Words {
    en: String,
    vi: String,
}

impl Words {
    fn new(en: impl Into<String>, vi: impl Into<String>) -> Words {
        Words {
            en: en.into(),
            vi: vi.into(),
        }
    }

    /// Continues the phrase with another clause, after a comma.
    fn and(self, next: Words) -> Words {
        self.joined(", ", next)
    }

    /// Continues the phrase with more of the same clause, after a space.
    fn then(self, next: Words) -> Words {
        self.joined(" ", next)
    }

    fn joined(self, separator: &str, next: Words) -> Words {
        Words {
            en: format!("{}{separator}{}", self.en, next.en),
            vi: format!("{}{separator}{}", self.vi, next.vi),
        }
    }

    fn into_reason(self, code: ReasonCode) -> Reason {
        Reason {
            code,
            text_en: self.en,
            text_vi: self.vi,
        }
    }
}

/// How finely a fact's window is told: vaccinations and recoveries in whole local days, tests
/// to the minute.
#[derive(Debug, Clone, Copy)]
enum Clock {
    Days,
    Minutes,
}

impl Fact<'_> {
    fn clock(self) -> Clock {
        match self {
            Fact::Dose(_) | Fact::Recovery(_) => Clock::Days,
            Fact::Test(_) => Clock::Minutes,
        }
    }

    /// What the fact is, e.g. "dose 1 of Pfizer-BioNTech (Comirnaty) on 2021-10-01".
    fn subject(self) -> Words {
        match self {
            Fact::Dose(dose) => {
                let (number, name) = (dose.dose_number, &dose.vaccine_name);
                let on = dose.administered_on;
                Words::new(
                    format!("dose {number} of {name} on {on}"),
                    format!("mũi {number} {name} ngày {on}"),
                )
            }
            Fact::Recovery(recovery) => {
                let on = recovery.recovered_on;
                Words::new(
                    format!("recovered from COVID-19 on {on}"),
                    format!("khỏi bệnh COVID-19 ngày {on}"),
                )
            }
            Fact::Test(test) => {
                let (kind_en, kind_vi) = match test.kind {
                    TestKind::Pcr => ("PCR", "PCR"),
                    TestKind::RapidAntigen => ("rapid antigen", "nhanh kháng nguyên"),
                };
                let sampled = local_minute(test.sampled_at);
                Words::new(
                    format!("negative {kind_en} test sampled {sampled}"),
                    format!("xét nghiệm {kind_vi} âm tính lấy mẫu lúc {sampled}"),
                )
            }
        }
    }
}

/// "green from START", followed by "until LAST" when the window ends.
fn green_from(window: Window, clock: Clock) -> Words {
    let start = match clock {
        Clock::Days => local_date(window.start).to_string(),
        Clock::Minutes => local_minute(window.start),
    };
    let from = Words::new(format!("green from {start}"), format!("xanh từ {start}"));

    match window.end {
        Some(end) => from.then(until(end, clock)),
        None => from,
    }
}

/// "green until LAST"; a window that never ends is told by its start instead.
fn green_until(window: Window, clock: Clock) -> Words {
    match window.end {
        Some(end) => Words::new("green", "xanh").then(until(end, clock)),
        None => green_from(window, clock),
    }
}

/// "until …" for a window ending at `end`: the last green local date for windows of whole
/// days, the local time at which green stops for tests.
fn until(end: DateTime<Utc>, clock: Clock) -> Words {
    match clock {
        Clock::Days => {
            // The window ends at a local midnight, so its last green day is the one before.
            let last_day = local_date(end).pred_opt().unwrap_or(NaiveDate::MIN);
            Words::new(
                format!("until {last_day}"),
                format!("đến hết ngày {last_day}"),
            )
        }
        Clock::Minutes => {
            let end = local_minute(end);
            Words::new(format!("until {end}"), format!("đến {end}"))
        }
    }
}

/// An instant as local date and time to the minute, e.g. "2021-10-05 08:00".
fn local_minute(instant: DateTime<Utc>) -> String {
    to_local(instant).format("%Y-%m-%d %H:%M").to_string()
}

/// `date` plus `days`, held at the last representable date instead of overflowing.
fn add_days(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// `instant` plus `hours`, held at the last representable instant instead of overflowing.
fn add_hours(instant: DateTime<Utc>, hours: u32) -> DateTime<Utc> {
    instant
        .checked_add_signed(TimeDelta::hours(i64::from(hours)))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// The city's rule from 1 October 2021: any dose, 14 days after it, without expiry; or a
    /// recovery less than 180 days ago.
    fn hcmc_2021_10_01() -> Policy {
        Policy {
            version: "hcmc-2021-10-01".to_owned(),
            effective_from: date("2021-10-01"),
            rules: PolicyRules {
                vaccination: VaccinationRule {
                    wait_days: 14,
                    doses: DoseRequirement::AnyDose,
                    valid_days: None,
                },
                recovery: RecoveryRule { valid_days: 180 },
                negative_test: None,
            },
        }
    }

    /// The September 2021 pilot: 14 days after a full primary series, valid 180 days.
    fn september_pilot() -> Policy {
        Policy {
            version: "hcmc-2021-09-pilot".to_owned(),
            effective_from: date("2021-09-15"),
            rules: PolicyRules {
                vaccination: VaccinationRule {
                    wait_days: 14,
                    doses: DoseRequirement::FullSeries,
                    valid_days: Some(180),
                },
                recovery: RecoveryRule { valid_days: 180 },
                negative_test: None,
            },
        }
    }

    /// The 1 October rule with a negative test counting for 72 hours.
    fn with_negative_test() -> Policy {
        let mut policy = hcmc_2021_10_01();
        policy.version = "test-72h".to_owned();
        policy.rules.negative_test = Some(TestRule { valid_hours: 72 });
        policy
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn dose(code: &str, name: &str, primary_doses: u8, dose_number: u8, on: &str) -> Dose {
        Dose {
            vaccine_code: code.to_owned(),
            vaccine_name: name.to_owned(),
            primary_doses,
            dose_number,
            administered_on: date(on),
        }
    }

    fn pfizer(dose_number: u8, on: &str) -> Dose {
        dose("pfizer", "Pfizer-BioNTech (Comirnaty)", 2, dose_number, on)
    }

    fn astrazeneca(dose_number: u8, on: &str) -> Dose {
        dose("astrazeneca", "AstraZeneca (Vaxzevria)", 2, dose_number, on)
    }

    fn janssen(on: &str) -> Dose {
        dose("janssen", "Janssen", 1, 1, on)
    }

    fn abdala(dose_number: u8, on: &str) -> Dose {
        dose("abdala", "Abdala", 3, dose_number, on)
    }

    fn recovered(on: &str) -> Recovery {
        let recovered_on = date(on);
        Recovery {
            positive_on: recovered_on - Days::new(14),
            recovered_on,
        }
    }

    fn test(kind: TestKind, positive: bool, sampled_at: &str) -> TestResult {
        TestResult {
            sampled_at: utc(sampled_at),
            positive,
            kind,
        }
    }

    fn doses(doses: &[Dose]) -> HealthRecords<'_> {
        HealthRecords {
            doses,
            ..HealthRecords::default()
        }
    }

    fn recoveries(recoveries: &[Recovery]) -> HealthRecords<'_> {
        HealthRecords {
            recoveries,
            ..HealthRecords::default()
        }
    }

    fn tests(tests: &[TestResult]) -> HealthRecords<'_> {
        HealthRecords {
            tests,
            ..HealthRecords::default()
        }
    }

    fn colour(policy: &Policy, records: &HealthRecords<'_>, at: &str) -> Colour {
        evaluate(policy, records, utc(at)).colour
    }

    // Day 13 and day 14 after a dose.

    #[test]
    fn a_dose_is_black_until_the_local_midnight_fourteen_days_later() {
        let history = [pfizer(1, "2021-10-01")];
        let policy = hcmc_2021_10_01();

        let black = evaluate(&policy, &doses(&history), utc("2021-10-14T16:59:59Z"));
        assert_eq!(black.colour, Colour::Black);
        assert_eq!(black.reason.code, ReasonCode::BlackWaitingAfterDose);
        assert_eq!(black.valid_from, None);
        assert_eq!(black.valid_until, Some(utc("2021-10-14T17:00:00Z")));

        let green = evaluate(&policy, &doses(&history), utc("2021-10-14T17:00:00Z"));
        assert_eq!(green.colour, Colour::Green);
        assert_eq!(green.reason.code, ReasonCode::GreenVaccinated);
        assert_eq!(green.valid_from, Some(utc("2021-10-14T17:00:00Z")));
        assert_eq!(green.valid_until, None);
    }

    #[test]
    fn day_13_stays_black_on_both_sides_of_utc_midnight() {
        let history = [pfizer(1, "2021-10-01")];
        let policy = hcmc_2021_10_01();

        // 14 October local runs from 13 October 17:00Z through 14 October 16:59:59Z.
        for at in [
            "2021-10-13T17:00:00Z",
            "2021-10-13T23:59:59Z",
            "2021-10-14T00:00:00Z",
        ] {
            assert_eq!(colour(&policy, &doses(&history), at), Colour::Black, "{at}");
        }
        assert_eq!(
            colour(&policy, &doses(&history), "2021-10-15T00:00:00Z"),
            Colour::Green
        );
    }

    #[test]
    fn a_dose_is_black_on_its_own_day() {
        let history = [pfizer(1, "2021-10-01")];

        let evaluation = evaluate(
            &hcmc_2021_10_01(),
            &doses(&history),
            utc("2021-10-01T03:00:00Z"),
        );

        assert_eq!(evaluation.colour, Colour::Black);
        assert_eq!(evaluation.reason.code, ReasonCode::BlackWaitingAfterDose);
    }

    // Day 179 and day 180 after a recovery.

    #[test]
    fn a_recovery_is_green_through_day_179_and_black_from_day_180() {
        let history = [recovered("2021-09-01")];
        let policy = hcmc_2021_10_01();

        // Day 179 is 27 February 2022 local; day 180 begins at 27 February 17:00Z.
        let day_179 = evaluate(&policy, &recoveries(&history), utc("2022-02-27T16:59:59Z"));
        assert_eq!(day_179.colour, Colour::Green);
        assert_eq!(day_179.reason.code, ReasonCode::GreenRecovered);
        assert_eq!(day_179.valid_from, Some(utc("2021-08-31T17:00:00Z")));
        assert_eq!(day_179.valid_until, Some(utc("2022-02-27T17:00:00Z")));

        let day_180 = evaluate(&policy, &recoveries(&history), utc("2022-02-27T17:00:00Z"));
        assert_eq!(day_180.colour, Colour::Black);
        assert_eq!(day_180.reason.code, ReasonCode::BlackRecoveryExpired);
        assert_eq!(day_180.valid_from, Some(utc("2022-02-27T17:00:00Z")));
        assert_eq!(day_180.valid_until, None);
    }

    #[test]
    fn a_recovery_is_green_from_the_local_midnight_of_its_day() {
        let history = [recovered("2021-09-01")];
        let policy = hcmc_2021_10_01();

        let before = evaluate(&policy, &recoveries(&history), utc("2021-08-31T16:59:59Z"));
        assert_eq!(before.colour, Colour::Black);
        assert_eq!(before.reason.code, ReasonCode::BlackNotYetValid);
        assert_eq!(
            colour(&policy, &recoveries(&history), "2021-08-31T17:00:00Z"),
            Colour::Green
        );
    }

    #[test]
    fn recovery_reasons_name_the_last_green_day() {
        let history = [recovered("2021-09-01")];
        let policy = hcmc_2021_10_01();

        let green = evaluate(&policy, &recoveries(&history), utc("2021-10-05T00:00:00Z")).reason;
        assert_eq!(
            green.text_en,
            "recovered from COVID-19 on 2021-09-01, green until 2022-02-27"
        );
        assert_eq!(
            green.text_vi,
            "khỏi bệnh COVID-19 ngày 2021-09-01, xanh đến hết ngày 2022-02-27"
        );

        let expired = evaluate(&policy, &recoveries(&history), utc("2022-03-01T00:00:00Z")).reason;
        assert_eq!(
            expired.text_en,
            "recovered on 2021-09-01, which was 180 days or more ago"
        );
        assert_eq!(
            expired.text_vi,
            "khỏi bệnh COVID-19 ngày 2021-09-01, cách đây từ 180 ngày trở lên"
        );
    }

    // Vaccines of one, two and three primary doses.

    #[test]
    fn one_dose_of_any_vaccine_is_enough_under_any_dose() {
        let policy = hcmc_2021_10_01();
        let at = "2021-10-20T00:00:00Z";

        for history in [
            [janssen("2021-10-01")],
            [astrazeneca(1, "2021-10-01")],
            [abdala(1, "2021-10-01")],
        ] {
            assert_eq!(
                colour(&policy, &doses(&history), at),
                Colour::Green,
                "{history:?}"
            );
        }
    }

    #[test]
    fn janssen_completes_its_series_with_one_dose() {
        let history = [janssen("2021-09-01")];

        let evaluation = evaluate(
            &september_pilot(),
            &doses(&history),
            utc("2021-09-20T00:00:00Z"),
        );

        assert_eq!(evaluation.colour, Colour::Green);
        assert_eq!(evaluation.valid_from, Some(utc("2021-09-14T17:00:00Z")));
        // Green for 180 days from 15 September: the last green day is 13 March 2022.
        assert_eq!(evaluation.valid_until, Some(utc("2022-03-13T17:00:00Z")));
        assert_eq!(
            evaluation.reason.text_en,
            "dose 1 of Janssen on 2021-09-01, green from 2021-09-15 until 2022-03-13"
        );
        assert_eq!(
            evaluation.reason.text_vi,
            "mũi 1 Janssen ngày 2021-09-01, xanh từ 2021-09-15 đến hết ngày 2022-03-13"
        );
    }

    #[test]
    fn a_two_dose_vaccine_needs_both_doses_under_full_series() {
        let policy = september_pilot();
        let first = [astrazeneca(1, "2021-08-01")];
        let both = [astrazeneca(1, "2021-08-01"), astrazeneca(2, "2021-09-01")];

        let incomplete = evaluate(&policy, &doses(&first), utc("2021-09-20T00:00:00Z"));
        assert_eq!(incomplete.colour, Colour::Black);
        assert_eq!(incomplete.reason.code, ReasonCode::BlackSeriesIncomplete);
        assert_eq!(incomplete.valid_until, None);

        assert_eq!(
            colour(&policy, &doses(&both), "2021-09-14T16:59:59Z"),
            Colour::Black
        );
        assert_eq!(
            colour(&policy, &doses(&both), "2021-09-14T17:00:00Z"),
            Colour::Green
        );
    }

    #[test]
    fn abdala_needs_three_doses_under_full_series() {
        let policy = september_pilot();
        let two = [abdala(1, "2021-08-01"), abdala(2, "2021-08-15")];
        let three = [
            abdala(1, "2021-08-01"),
            abdala(2, "2021-08-15"),
            abdala(3, "2021-09-01"),
        ];
        let at = "2021-10-01T00:00:00Z";

        let incomplete = evaluate(&policy, &doses(&two), utc(at));
        assert_eq!(incomplete.colour, Colour::Black);
        assert_eq!(
            incomplete.reason.text_en,
            "dose 2 of 3 of Abdala on 2021-08-15; the series is not complete"
        );

        assert_eq!(colour(&policy, &doses(&three), at), Colour::Green);
    }

    #[test]
    fn incomplete_series_reason_in_both_languages() {
        let history = [astrazeneca(1, "2021-08-01")];

        let reason = evaluate(
            &september_pilot(),
            &doses(&history),
            utc("2021-09-20T00:00:00Z"),
        );

        assert_eq!(
            reason.reason.text_en,
            "dose 1 of 2 of AstraZeneca (Vaxzevria) on 2021-08-01; the series is not complete"
        );
        assert_eq!(
            reason.reason.text_vi,
            "mũi 1/2 AstraZeneca (Vaxzevria) ngày 2021-08-01; chưa tiêm đủ liều cơ bản"
        );
    }

    #[test]
    fn a_missing_first_dose_leaves_the_series_incomplete_whatever_the_dose_number() {
        // The portal lost dose 1: the status counts the history and does not trust "dose 2".
        let history = [pfizer(2, "2021-09-01")];

        let evaluation = evaluate(
            &september_pilot(),
            &doses(&history),
            utc("2021-10-01T00:00:00Z"),
        );

        assert_eq!(evaluation.reason.code, ReasonCode::BlackSeriesIncomplete);
        assert!(
            evaluation
                .reason
                .text_en
                .starts_with("dose 1 of 2 of Pfizer")
        );
    }

    #[test]
    fn a_mixed_series_completes_under_full_series() {
        let history = [astrazeneca(1, "2021-07-01"), pfizer(2, "2021-09-01")];

        let evaluation = evaluate(
            &september_pilot(),
            &doses(&history),
            utc("2021-09-20T00:00:00Z"),
        );

        assert_eq!(evaluation.colour, Colour::Green);
        assert_eq!(evaluation.reason.code, ReasonCode::GreenVaccinated);
        assert!(
            evaluation.reason.text_en.starts_with(
                "dose 2 of Pfizer-BioNTech (Comirnaty) on 2021-09-01, green from 2021-09-15"
            ),
            "{}",
            evaluation.reason.text_en
        );
    }

    #[test]
    fn a_full_series_expires_under_a_policy_with_valid_days() {
        let history = [pfizer(1, "2021-03-01"), pfizer(2, "2021-03-29")];
        let policy = september_pilot();

        // Green from 12 April 2021 for 180 days: 8 October is the last green day.
        assert_eq!(
            colour(&policy, &doses(&history), "2021-10-08T16:59:59Z"),
            Colour::Green
        );
        let expired = evaluate(&policy, &doses(&history), utc("2021-10-08T17:00:00Z"));

        assert_eq!(expired.colour, Colour::Black);
        assert_eq!(expired.reason.code, ReasonCode::BlackVaccinationExpired);
        assert_eq!(expired.valid_from, Some(utc("2021-10-08T17:00:00Z")));
        assert_eq!(
            expired.reason.text_en,
            "dose 2 of Pfizer-BioNTech (Comirnaty) on 2021-03-29, green until 2021-10-08, \
             which has passed"
        );
        assert_eq!(
            expired.reason.text_vi,
            "mũi 2 Pfizer-BioNTech (Comirnaty) ngày 2021-03-29, xanh đến hết ngày 2021-10-08, \
             đã hết hạn"
        );
    }

    #[test]
    fn black_between_two_green_windows_reports_both_edges() {
        // The series of March stopped being green on 9 October; a booster in November restarts it.
        let history = [
            pfizer(1, "2021-03-01"),
            pfizer(2, "2021-03-29"),
            pfizer(3, "2021-11-01"),
        ];

        let evaluation = evaluate(
            &september_pilot(),
            &doses(&history),
            utc("2021-10-20T00:00:00Z"),
        );

        assert_eq!(evaluation.colour, Colour::Black);
        assert_eq!(evaluation.reason.code, ReasonCode::BlackWaitingAfterDose);
        assert_eq!(evaluation.valid_from, Some(utc("2021-10-08T17:00:00Z")));
        assert_eq!(evaluation.valid_until, Some(utc("2021-11-14T17:00:00Z")));
    }

    #[test]
    fn a_recovery_dated_after_the_instant_is_not_yet_valid() {
        let history = [recovered("2021-10-20")];

        let reason = evaluate(
            &hcmc_2021_10_01(),
            &recoveries(&history),
            utc("2021-10-05T00:00:00Z"),
        )
        .reason;

        assert_eq!(reason.code, ReasonCode::BlackNotYetValid);
        assert_eq!(
            reason.text_en,
            "recovered from COVID-19 on 2021-10-20, green from 2021-10-20 until 2022-04-17"
        );
        assert_eq!(
            reason.text_vi,
            "khỏi bệnh COVID-19 ngày 2021-10-20, xanh từ 2021-10-20 đến hết ngày 2022-04-17"
        );
    }

    #[test]
    fn a_rule_of_zero_days_never_makes_green() {
        // Validation refuses such a policy; evaluation must still not show green for no time.
        let mut policy = september_pilot();
        policy.rules.vaccination.valid_days = Some(0);
        let history = [janssen("2021-09-01")];

        let evaluation = evaluate(&policy, &doses(&history), utc("2021-09-14T17:00:00Z"));

        assert_eq!(evaluation.colour, Colour::Black);
        assert_eq!(
            green_window(&policy, &doses(&history), utc("2021-09-01T00:00:00Z")),
            None
        );
    }

    // Recovery and vaccination together.

    #[test]
    fn recovery_then_dose_merges_into_one_open_window() {
        let vaccinated = [pfizer(1, "2021-10-01")];
        let recovered = [recovered("2021-09-01")];
        let records = HealthRecords {
            doses: &vaccinated,
            recoveries: &recovered,
            tests: &[],
        };
        let policy = hcmc_2021_10_01();

        let now = evaluate(&policy, &records, utc("2021-10-05T00:00:00Z"));
        assert_eq!(now.colour, Colour::Green);
        assert_eq!(now.reason.code, ReasonCode::GreenRecovered);
        assert_eq!(now.valid_from, Some(utc("2021-08-31T17:00:00Z")));
        assert_eq!(now.valid_until, None);

        // Both apply from 15 October: the dose never ends, so it names the colour.
        let both = evaluate(&policy, &records, utc("2021-10-20T00:00:00Z"));
        assert_eq!(both.reason.code, ReasonCode::GreenVaccinated);
        assert_eq!(both.valid_from, Some(utc("2021-08-31T17:00:00Z")));

        let after = evaluate(&policy, &records, utc("2022-03-10T00:00:00Z"));
        assert_eq!(after.colour, Colour::Green);
        assert_eq!(after.reason.code, ReasonCode::GreenVaccinated);
    }

    #[test]
    fn the_longer_dated_fact_names_the_colour() {
        // Under the pilot both facts expire; the recovery outlasts the series.
        let vaccinated = [janssen("2021-03-01")];
        let recovered = [recovered("2021-09-01")];
        let records = HealthRecords {
            doses: &vaccinated,
            recoveries: &recovered,
            tests: &[],
        };

        let evaluation = evaluate(&september_pilot(), &records, utc("2021-09-10T00:00:00Z"));

        assert_eq!(evaluation.reason.code, ReasonCode::GreenRecovered);
        assert_eq!(evaluation.valid_until, Some(utc("2022-02-27T17:00:00Z")));
    }

    #[test]
    fn windows_that_touch_merge() {
        // The recovery's green ends at the start of 1 October, when the dose's green begins.
        let vaccinated = [pfizer(1, "2021-09-17")];
        let recovered = [recovered("2021-04-04")];
        let records = HealthRecords {
            doses: &vaccinated,
            recoveries: &recovered,
            tests: &[],
        };
        let policy = hcmc_2021_10_01();

        let evaluation = evaluate(&policy, &records, utc("2021-09-30T17:00:00Z"));

        assert_eq!(evaluation.colour, Colour::Green);
        assert_eq!(evaluation.reason.code, ReasonCode::GreenVaccinated);
        assert_eq!(evaluation.valid_from, Some(utc("2021-04-03T17:00:00Z")));
        assert_eq!(
            green_window(&policy, &records, utc("2021-09-30T16:59:59Z")),
            Some((utc("2021-04-03T17:00:00Z"), None))
        );
    }

    // No records.

    #[test]
    fn no_records_is_black_without_a_window() {
        let evaluation = evaluate(
            &hcmc_2021_10_01(),
            &HealthRecords::default(),
            utc("2021-10-20T00:00:00Z"),
        );

        assert_eq!(evaluation.colour, Colour::Black);
        assert_eq!(evaluation.reason.code, ReasonCode::BlackNoRecords);
        assert_eq!(
            evaluation.reason.text_en,
            "no vaccination or recovery recorded"
        );
        assert_eq!(
            evaluation.reason.text_vi,
            "chưa có dữ liệu tiêm chủng hoặc khỏi bệnh"
        );
        assert_eq!(evaluation.valid_from, None);
        assert_eq!(evaluation.valid_until, None);
    }

    #[test]
    fn a_negative_test_counts_for_nothing_without_a_test_rule() {
        let history = [test(TestKind::Pcr, false, "2021-10-05T01:00:00Z")];

        let evaluation = evaluate(
            &hcmc_2021_10_01(),
            &tests(&history),
            utc("2021-10-05T02:00:00Z"),
        );

        assert_eq!(evaluation.colour, Colour::Black);
        assert_eq!(evaluation.reason.code, ReasonCode::BlackNoRecords);
    }

    // Negative tests.

    #[test]
    fn a_negative_test_is_green_for_the_hours_of_the_rule() {
        let history = [test(TestKind::Pcr, false, "2021-10-05T01:00:00Z")];
        let policy = with_negative_test();

        assert_eq!(
            colour(&policy, &tests(&history), "2021-10-05T00:59:59Z"),
            Colour::Black
        );
        let green = evaluate(&policy, &tests(&history), utc("2021-10-05T01:00:00Z"));
        assert_eq!(green.colour, Colour::Green);
        assert_eq!(green.reason.code, ReasonCode::GreenNegativeTest);
        assert_eq!(green.valid_until, Some(utc("2021-10-08T01:00:00Z")));
        assert_eq!(
            green.reason.text_en,
            "negative PCR test sampled 2021-10-05 08:00, green until 2021-10-08 08:00"
        );
        assert_eq!(
            green.reason.text_vi,
            "xét nghiệm PCR âm tính lấy mẫu lúc 2021-10-05 08:00, xanh đến 2021-10-08 08:00"
        );

        assert_eq!(
            colour(&policy, &tests(&history), "2021-10-08T00:59:59Z"),
            Colour::Green
        );
        let expired = evaluate(&policy, &tests(&history), utc("2021-10-08T01:00:00Z"));
        assert_eq!(expired.colour, Colour::Black);
        assert_eq!(expired.reason.code, ReasonCode::BlackTestExpired);
        assert_eq!(
            expired.reason.text_en,
            "negative PCR test sampled 2021-10-05 08:00, green until 2021-10-08 08:00, \
             which has passed"
        );
    }

    #[test]
    fn a_rapid_antigen_test_is_named_as_such() {
        let history = [test(TestKind::RapidAntigen, false, "2021-10-05T01:00:00Z")];

        let reason = evaluate(
            &with_negative_test(),
            &tests(&history),
            utc("2021-10-06T00:00:00Z"),
        )
        .reason;

        assert_eq!(
            reason.text_en,
            "negative rapid antigen test sampled 2021-10-05 08:00, green until 2021-10-08 08:00"
        );
        assert!(
            reason
                .text_vi
                .starts_with("xét nghiệm nhanh kháng nguyên âm tính")
        );
    }

    #[test]
    fn a_positive_test_never_makes_green() {
        let history = [test(TestKind::Pcr, true, "2021-10-05T01:00:00Z")];

        let evaluation = evaluate(
            &with_negative_test(),
            &tests(&history),
            utc("2021-10-05T02:00:00Z"),
        );

        assert_eq!(evaluation.colour, Colour::Black);
        assert_eq!(evaluation.reason.code, ReasonCode::BlackNoRecords);
    }

    // Policy in force.

    #[test]
    fn the_policy_in_force_is_chosen_by_local_date() {
        let policies = [hcmc_2021_10_01(), september_pilot()];

        let eve = policy_in_force(&policies, utc("2021-09-30T16:59:59Z")).unwrap();
        assert_eq!(eve.version, "hcmc-2021-09-pilot");

        let first_day = policy_in_force(&policies, utc("2021-09-30T17:00:00Z")).unwrap();
        assert_eq!(first_day.version, "hcmc-2021-10-01");

        assert!(policy_in_force(&policies, utc("2021-09-14T16:59:59Z")).is_none());
        assert!(policy_in_force(&[], utc("2021-10-20T00:00:00Z")).is_none());
    }

    #[test]
    fn an_evaluation_records_its_policy_version() {
        let evaluation = evaluate(
            &september_pilot(),
            &HealthRecords::default(),
            utc("2021-09-20T00:00:00Z"),
        );

        assert_eq!(evaluation.policy_version, "hcmc-2021-09-pilot");
    }

    // Green windows for signing.

    #[test]
    fn the_green_window_of_a_pending_dose_starts_in_the_future() {
        let history = [pfizer(1, "2021-10-01")];

        let window = green_window(
            &hcmc_2021_10_01(),
            &doses(&history),
            utc("2021-10-05T00:00:00Z"),
        );

        assert_eq!(window, Some((utc("2021-10-14T17:00:00Z"), None)));
    }

    #[test]
    fn there_is_no_green_window_without_records_or_after_expiry() {
        let policy = hcmc_2021_10_01();
        let history = [recovered("2021-09-01")];

        assert_eq!(
            green_window(
                &policy,
                &HealthRecords::default(),
                utc("2021-10-05T00:00:00Z")
            ),
            None
        );
        assert_eq!(
            green_window(&policy, &recoveries(&history), utc("2022-03-01T00:00:00Z")),
            None
        );
    }

    #[test]
    fn the_green_window_containing_now_is_returned_whole() {
        let history = [recovered("2021-09-01")];

        let window = green_window(
            &hcmc_2021_10_01(),
            &recoveries(&history),
            utc("2021-10-05T00:00:00Z"),
        );

        assert_eq!(
            window,
            Some((
                utc("2021-08-31T17:00:00Z"),
                Some(utc("2022-02-27T17:00:00Z"))
            ))
        );
    }

    // Reasons for doses.

    #[test]
    fn dose_reasons_read_the_same_before_and_after_green() {
        let history = [pfizer(1, "2021-10-01")];
        let policy = hcmc_2021_10_01();
        let expected_en =
            "dose 1 of Pfizer-BioNTech (Comirnaty) on 2021-10-01, green from 2021-10-15";
        let expected_vi = "mũi 1 Pfizer-BioNTech (Comirnaty) ngày 2021-10-01, xanh từ 2021-10-15";

        for at in ["2021-10-05T00:00:00Z", "2021-10-20T00:00:00Z"] {
            let reason = evaluate(&policy, &doses(&history), utc(at)).reason;
            assert_eq!(reason.text_en, expected_en, "{at}");
            assert_eq!(reason.text_vi, expected_vi, "{at}");
        }
    }

    #[test]
    fn the_first_of_equal_open_doses_names_the_colour() {
        let history = [pfizer(1, "2021-08-01"), pfizer(2, "2021-09-01")];

        let reason = evaluate(
            &hcmc_2021_10_01(),
            &doses(&history),
            utc("2021-10-20T00:00:00Z"),
        )
        .reason;

        assert!(
            reason.text_en.starts_with("dose 1 of"),
            "{}",
            reason.text_en
        );
    }

    // Records out of order.

    #[test]
    fn doses_given_out_of_order_are_counted_in_date_order() {
        let history = [pfizer(2, "2021-09-01"), pfizer(1, "2021-08-01")];

        let evaluation = evaluate(
            &september_pilot(),
            &doses(&history),
            utc("2021-09-20T00:00:00Z"),
        );

        assert_eq!(evaluation.colour, Colour::Green);
        assert_eq!(evaluation.valid_from, Some(utc("2021-09-14T17:00:00Z")));
        assert!(evaluation.reason.text_en.starts_with("dose 2 of Pfizer"));
    }

    #[test]
    fn doses_on_one_day_are_ordered_by_dose_number() {
        // Under full series only the second dose of the day completes it; order alone decides.
        let history = [pfizer(2, "2021-09-01"), astrazeneca(1, "2021-09-01")];

        let reason = evaluate(
            &september_pilot(),
            &doses(&history),
            utc("2021-09-20T00:00:00Z"),
        )
        .reason;

        assert!(
            reason.text_en.starts_with("dose 2 of Pfizer"),
            "{}",
            reason.text_en
        );
    }

    #[test]
    fn recoveries_given_out_of_order_merge_the_same() {
        let history = [recovered("2022-01-01"), recovered("2021-09-01")];
        let policy = hcmc_2021_10_01();

        // The later recovery starts before the earlier one's green ends, so the windows join.
        let window = green_window(&policy, &recoveries(&history), utc("2021-10-05T00:00:00Z"));

        assert_eq!(
            window,
            Some((
                utc("2021-08-31T17:00:00Z"),
                Some(utc("2022-06-29T17:00:00Z"))
            ))
        );
    }

    // Names and validation.

    #[test]
    fn colours_have_stable_names() {
        assert_eq!(Colour::Green.as_str(), "green");
        assert_eq!(Colour::Black.as_str(), "black");
    }

    #[test]
    fn reason_codes_have_distinct_snake_case_names_led_by_their_colour() {
        let codes = [
            ReasonCode::GreenVaccinated,
            ReasonCode::GreenRecovered,
            ReasonCode::GreenNegativeTest,
            ReasonCode::BlackNoRecords,
            ReasonCode::BlackWaitingAfterDose,
            ReasonCode::BlackNotYetValid,
            ReasonCode::BlackSeriesIncomplete,
            ReasonCode::BlackVaccinationExpired,
            ReasonCode::BlackRecoveryExpired,
            ReasonCode::BlackTestExpired,
        ];
        let names: std::collections::HashSet<&str> =
            codes.iter().map(|code| code.as_str()).collect();

        assert_eq!(names.len(), codes.len());
        for name in names {
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{name}"
            );
            assert!(
                name.starts_with("green_") || name.starts_with("black_"),
                "{name}"
            );
        }
    }

    #[test]
    fn policy_rules_are_stored_as_snake_case_json() {
        let rules = hcmc_2021_10_01().rules;

        let json = serde_json::to_value(&rules).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "vaccination": { "wait_days": 14, "doses": "any_dose", "valid_days": null },
                "recovery": { "valid_days": 180 },
                "negative_test": null
            })
        );
        assert_eq!(serde_json::from_value::<PolicyRules>(json).unwrap(), rules);
    }

    #[test]
    fn policy_rules_with_a_misspelt_field_do_not_load() {
        let json = r#"{
            "vaccination": { "wait_days": 14, "doses": "full_series", "valid_day": 180 },
            "recovery": { "valid_days": 180 }
        }"#;

        assert!(serde_json::from_str::<PolicyRules>(json).is_err());
    }

    #[test]
    fn the_seed_policies_are_valid() {
        assert_eq!(hcmc_2021_10_01().rules.validate(), Ok(()));
        assert_eq!(september_pilot().rules.validate(), Ok(()));
        assert_eq!(with_negative_test().rules.validate(), Ok(()));
    }

    #[test]
    fn validation_rejects_numbers_out_of_range() {
        let mut rules = hcmc_2021_10_01().rules;
        rules.vaccination.wait_days = 366;
        assert_eq!(rules.validate(), Err(PolicyError::WaitDays(366)));

        let mut rules = hcmc_2021_10_01().rules;
        rules.vaccination.valid_days = Some(0);
        assert_eq!(rules.validate(), Err(PolicyError::VaccinationValidDays(0)));

        let mut rules = hcmc_2021_10_01().rules;
        rules.recovery.valid_days = 3651;
        assert_eq!(rules.validate(), Err(PolicyError::RecoveryValidDays(3651)));

        let mut rules = hcmc_2021_10_01().rules;
        rules.negative_test = Some(TestRule { valid_hours: 0 });
        assert_eq!(rules.validate(), Err(PolicyError::TestValidHours(0)));
    }

    #[test]
    fn validation_messages_say_what_to_use() {
        assert_eq!(
            PolicyError::WaitDays(400).to_string(),
            "vaccination.wait_days is 400; use a number of days from 0 to 365"
        );
        assert_eq!(
            PolicyError::TestValidHours(0).to_string(),
            "negative_test.valid_hours is 0; use a number of hours from 1 to 720, \
             or leave negative_test empty if a negative test should not make a person green"
        );
    }
}
