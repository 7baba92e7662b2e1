//! Recording scans in batches. The scan handler reads the code and checks
//! its signature, then hands the scan to the group-commit queue
//! (`crate::batch`); a writer records every scan waiting in one transaction
//! with a fixed number of statements: the checkpoints, the people, their
//! records and revocations are read for the whole batch at once, each scan
//! is decided in memory, and the idempotency keys, visits and ledger entries
//! are written in one statement each. A scan's own refusal (a checkpoint it
//! may not scan at, a reused key) is its answer alone and never stops the
//! others.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::reading::{Decision, Lookup, Reading};
use crate::auth::Principal;
use crate::db::access_log::{self, Access, AccessKind};
use crate::db::organizations::{self, Checkpoint};
use crate::db::people::{self, Person};
use crate::db::visits::{self, NewVisit, Recorded};
use crate::db::{self, Db, DbConnection, revocations};
use crate::error::ApiError;
use crate::routes::health::StatusBatch;

/// One scan, read and checked, waiting to be recorded.
pub struct ScanJob {
    pub scanner: Principal,
    /// The checkpoint's public id, as in the request's path.
    pub checkpoint: String,
    pub reading: Reading,
    pub scanned_at: DateTime<Utc>,
    pub idempotency_key: Option<String>,
}

/// A recorded scan and the document number its answer masks.
pub struct Scanned {
    pub recorded: Recorded,
    pub document: String,
}

type Answer = Result<Scanned, ApiError>;

/// Records `jobs` in one transaction and answers each. When the batch as a
/// whole fails for a reason other than the database being unavailable, each
/// scan is tried again alone, so that one scan's failure is its own.
pub fn record_scans(db: &Db, jobs: &[ScanJob]) -> Vec<Answer> {
    let mut conn = match db.get() {
        Ok(conn) => conn,
        Err(err) => return jobs.iter().map(|_| Err(same_error(&err))).collect(),
    };
    match db::transaction(&mut conn, |conn| record_batch(conn, jobs)) {
        Ok(answers) => answers,
        Err(err @ ApiError::Unavailable(_)) => jobs.iter().map(|_| Err(same_error(&err))).collect(),
        Err(err) if jobs.len() == 1 => vec![Err(err)],
        Err(err) => {
            tracing::warn!(batch.size = jobs.len(), error.cause = ?err, "scan.batch_failed");
            jobs.iter()
                .map(|job| {
                    db::transaction(&mut conn, |conn| {
                        record_batch(conn, std::slice::from_ref(job))
                    })
                    .and_then(|mut answers| answers.pop().unwrap_or_else(|| Err(lost())))
                })
                .collect()
        }
    }
}

/// The error of a whole batch, once for each of its scans.
fn same_error(err: &ApiError) -> ApiError {
    match err {
        ApiError::Unavailable(cause) => ApiError::Unavailable(cause.clone()),
        other => ApiError::internal(format!("scan batch: {other:?}")),
    }
}

fn lost() -> ApiError {
    ApiError::internal("a scan of a batch got no answer")
}

/// What the database holds about the batch's checkpoints and people.
struct Known {
    checkpoints: HashMap<String, Checkpoint>,
    by_qid: HashMap<String, Person>,
    by_document: HashMap<String, Person>,
    statuses: StatusBatch,
    revocations: HashMap<i64, DateTime<Utc>>,
}

impl Known {
    fn load(conn: &mut DbConnection, jobs: &[ScanJob]) -> Result<Self, ApiError> {
        let checkpoint_ids: Vec<&str> = distinct(jobs.iter().map(|job| job.checkpoint.as_str()));
        let checkpoints = organizations::checkpoints_by_public_ids(conn, &checkpoint_ids)?
            .into_iter()
            .map(|checkpoint| (checkpoint.public_id.clone(), checkpoint))
            .collect();

        let qids = distinct(jobs.iter().filter_map(|job| match &job.reading.lookup {
            Lookup::Qid(qid) => Some(qid.as_str()),
            Lookup::Document(_) => None,
        }));
        let documents = distinct(jobs.iter().filter_map(|job| match &job.reading.lookup {
            Lookup::Document(number) => Some(number.as_str()),
            Lookup::Qid(_) => None,
        }));
        let mut by_qid = HashMap::new();
        let mut by_document = HashMap::new();
        for person in people::by_qids_and_documents(conn, &qids, &documents)? {
            by_qid.insert(person.qid.clone(), person.clone());
            by_document.insert(person.document_number.clone(), person);
        }

        let person_ids: Vec<i64> = by_qid.values().map(|person| person.id).collect();
        let statuses = StatusBatch::load(conn, &person_ids)?;
        // Only our intact codes carry an issue time to check.
        let signed: Vec<i64> = jobs
            .iter()
            .filter(|job| job.reading.issued.is_some())
            .filter_map(|job| match &job.reading.lookup {
                Lookup::Qid(qid) => by_qid.get(qid).map(|person: &Person| person.id),
                Lookup::Document(number) => by_document.get(number).map(|person| person.id),
            })
            .collect();
        let revocations = if signed.is_empty() {
            HashMap::new()
        } else {
            revocations::latest_of(conn, &signed)?
                .into_iter()
                .map(|(person_id, at)| (person_id, crate::routes::utc(at)))
                .collect()
        };
        Ok(Self {
            checkpoints,
            by_qid,
            by_document,
            statuses,
            revocations,
        })
    }

    fn person(&self, lookup: &Lookup) -> Option<&Person> {
        match lookup {
            Lookup::Qid(qid) => self.by_qid.get(qid),
            Lookup::Document(number) => self.by_document.get(number),
        }
    }
}

/// A scan decided and ready to write.
struct Planned {
    visit: NewVisit,
    document: String,
}

fn record_batch(conn: &mut DbConnection, jobs: &[ScanJob]) -> Result<Vec<Answer>, ApiError> {
    let known = Known::load(conn, jobs)?;
    let mut answers: Vec<Option<Answer>> = jobs.iter().map(|_| None).collect();
    let mut planned: Vec<(usize, Planned)> = Vec::new();
    for (index, job) in jobs.iter().enumerate() {
        match plan(job, &known) {
            Ok(plan) => planned.push((index, plan)),
            Err(err) => answers[index] = Some(Err(err)),
        }
    }

    // Keys claimed now record new visits; keys claimed before (or earlier in
    // this batch) make their scans replays of the visit first recorded.
    let mut first_of_key: HashMap<(i64, &str), usize> = HashMap::new();
    let mut claims = Vec::new();
    let mut repeats = Vec::new();
    for (position, (_, plan)) in planned.iter().enumerate() {
        let Some(key) = plan.visit.idempotency_key.as_deref() else {
            continue;
        };
        let slot = (plan.visit.checkpoint_id, key);
        match first_of_key.get(&slot) {
            Some(&first) => repeats.push((position, first)),
            None => {
                first_of_key.insert(slot, position);
                claims.push((
                    plan.visit.checkpoint_id,
                    key,
                    plan.visit.public_id.as_str(),
                    plan.visit.entered_at,
                ));
            }
        }
    }
    let claimed: std::collections::HashSet<(i64, String)> = if claims.is_empty() {
        Default::default()
    } else {
        visits::claim_keys(conn, &claims)?.into_iter().collect()
    };

    let repeated: std::collections::HashSet<usize> =
        repeats.iter().map(|&(position, _)| position).collect();
    let mut new_visits: Vec<NewVisit> = Vec::new();
    let mut new_positions: Vec<usize> = Vec::new();
    let mut replays: Vec<(usize, visits::Visit)> = Vec::new();
    for (position, (_, plan)) in planned.iter().enumerate() {
        if repeated.contains(&position) {
            continue;
        }
        if let Some(key) = plan.visit.idempotency_key.as_deref()
            && !claimed.contains(&(plan.visit.checkpoint_id, key.to_owned()))
        {
            match visits::by_idempotency_key(conn, plan.visit.checkpoint_id, key)? {
                Some(existing) => {
                    replays.push((position, existing));
                    continue;
                }
                // The key outlived its visit (deleted by hand, since
                // retention keeps visits longer than keys): it now names
                // the new visit.
                None => visits::reassign_key(
                    conn,
                    plan.visit.checkpoint_id,
                    key,
                    &plan.visit.public_id,
                    plan.visit.entered_at,
                )?,
            }
        }
        new_positions.push(position);
        new_visits.push(plan.visit.clone());
    }

    let stored: HashMap<String, visits::Visit> = visits::insert_many(conn, &new_visits)?
        .into_iter()
        .map(|visit| (visit.public_id.clone(), visit))
        .collect();
    // A new scan is a new read of the person's data; a replay answers what
    // the first scan showed, and that scan is already in the ledger.
    let reads: Vec<(&Principal, i64, Access<'_>)> = new_positions
        .iter()
        .filter_map(|&position| {
            let (index, plan) = &planned[position];
            let person_id = plan.visit.person_id?;
            let access = Access::new(AccessKind::Scan, None).at(
                Some(plan.visit.organization_id),
                Some(plan.visit.checkpoint_id),
            );
            Some((&jobs[*index].scanner, person_id, access))
        })
        .collect();
    access_log::record_each(conn, &reads)?;

    // Every scan of the batch now has its visit: new, or the one its key
    // recorded before. A replay must name the same person as the scan it
    // replays; otherwise the scanner reused a key, and answering with the
    // first visit would show one person's name beside another's.
    let mut outcome: HashMap<usize, Recorded> = HashMap::new();
    for position in new_positions {
        let visit = stored
            .get(&planned[position].1.visit.public_id)
            .cloned()
            .ok_or_else(|| ApiError::internal("an inserted visit was not returned"))?;
        outcome.insert(position, Recorded::New(visit));
    }
    for (position, visit) in replays {
        outcome.insert(position, Recorded::Replayed(visit));
    }
    for (position, first) in repeats {
        let visit = match outcome.get(&first) {
            Some(Recorded::New(visit) | Recorded::Replayed(visit)) => visit.clone(),
            None => return Err(lost()),
        };
        outcome.insert(position, Recorded::Replayed(visit));
    }
    for (position, (index, plan)) in planned.into_iter().enumerate() {
        let recorded = outcome.remove(&position).ok_or_else(lost)?;
        answers[index] = Some(match &recorded {
            Recorded::Replayed(existing)
                if existing.person_id != plan.visit.person_id
                    || existing.subject_document != plan.visit.subject_document =>
            {
                Err(ApiError::conflict(
                    "idempotency_key_reused",
                    "This idempotency key was already used for another person's scan; \
                     make a new key for each scan.",
                ))
            }
            _ => Ok(Scanned {
                recorded,
                document: plan.document,
            }),
        });
    }
    answers
        .into_iter()
        .map(|answer| answer.ok_or_else(lost))
        .collect()
}

/// Decides one scan of the batch from what the batch loaded: the checkpoint
/// the scanner may scan at, the person, and their colour at the scan.
fn plan(job: &ScanJob, known: &Known) -> Result<Planned, ApiError> {
    let checkpoint = known
        .checkpoints
        .get(&job.checkpoint)
        .filter(|checkpoint| Some(checkpoint.organization_id) == job.scanner.organization_id)
        .ok_or(ApiError::NotFound("checkpoint"))?;
    if job
        .scanner
        .checkpoint_id
        .is_some_and(|bound| bound != checkpoint.id)
    {
        return Err(ApiError::Forbidden(
            "This account scans at another checkpoint.",
        ));
    }

    let person = known.person(&job.reading.lookup).cloned();
    let latest_revocation = person
        .as_ref()
        .and_then(|person| known.revocations.get(&person.id).copied());
    let subject = job.reading.clone().subject(person, latest_revocation);
    let decision = match &subject.person {
        Some(person) => Decision::of(known.statuses.evaluate(person.id, job.scanned_at)?),
        None => Decision::unknown(known.statuses.evaluate_without_records(job.scanned_at)?),
    };
    let document = subject
        .person
        .as_ref()
        .map(|person| person.document_number.clone())
        .or_else(|| subject.document.clone())
        .unwrap_or_default();
    let visit = NewVisit {
        public_id: db::new_public_id(),
        checkpoint_id: checkpoint.id,
        organization_id: checkpoint.organization_id,
        person_id: subject.person.as_ref().map(|person| person.id),
        subject_document: if subject.person.is_some() {
            None
        } else {
            subject.document.clone()
        },
        subject_name: subject.folded_name,
        colour: decision.colour,
        reason: serde_json::json!({ "en": decision.reason, "vi": decision.reason_vi }).to_string(),
        policy_version: decision.policy_version,
        method: if subject.signature == "manual" {
            "manual"
        } else {
            "staff_scan"
        }
        .to_owned(),
        signature: subject.signature.to_owned(),
        scanned_by_account_id: Some(job.scanner.account_id),
        idempotency_key: job.idempotency_key.clone(),
        entered_at: db::truncate_to_micros(job.scanned_at.naive_utc()),
        ends_at: db::truncate_to_micros(
            (job.scanned_at + Duration::minutes(i64::from(checkpoint.max_stay_minutes)))
                .naive_utc(),
        ),
    };
    Ok(Planned { visit, document })
}

/// Each value once, in the order first seen.
fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = std::collections::HashSet::new();
    values.filter(|value| seen.insert(*value)).collect()
}
