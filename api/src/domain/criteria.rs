//! Self-assessment against the city's criteria sets ("bộ tiêu chí"): a set is
//! data (criteria with graded answer options worth points, bands over the
//! percentage, knock-out rules), checked once when it is loaded, and scored
//! by a pure function of the set and an organization's answers.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Whether more points mean more risk or more safety.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Risk,
    Safety,
}

/// One answer option of a criterion. Options chosen by a measured value
/// (a headcount, square metres per person) give the range they cover.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerOption {
    pub key: String,
    pub label: String,
    pub points: u32,
    /// The smallest value this option covers (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// The value where this option stops (exclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
}

impl AnswerOption {
    fn covers(&self, value: f64) -> bool {
        self.min.is_none_or(|min| value >= min) && self.below.is_none_or(|below| value < below)
    }

    fn is_ranged(&self) -> bool {
        self.min.is_some() || self.below.is_some()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub key: String,
    pub text: String,
    /// The unit of a measured value, for criteria answered with a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub options: Vec<AnswerOption>,
}

impl Criterion {
    fn max_points(&self) -> u32 {
        self.options.iter().map(|o| o.points).max().unwrap_or(0)
    }

    fn min_points(&self) -> u32 {
        self.options.iter().map(|o| o.points).min().unwrap_or(0)
    }

    fn is_measured(&self) -> bool {
        self.options.iter().any(AnswerOption::is_ranged)
    }
}

/// Where a band ends on the percentage scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpperBound {
    /// A whole percentage.
    pub percent: u32,
    /// True when the percentage itself still belongs to the band.
    pub inclusive: bool,
}

/// A band of the percentage: its level, whether the unit may operate, and
/// what it must do. Bands are listed from the lowest percentage up; the
/// last has no upper bound.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub level: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to: Option<UpperBound>,
    pub may_operate: bool,
    pub action: String,
}

/// When a knock-out rule fires.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Condition {
    /// Some criterion scored at least `points` ("no component at 7 or more").
    AnyCriterionAtLeast { points: u32 },
    /// Some criterion scored at most `points` (a safety item not met).
    AnyCriterionAtMost { points: u32 },
    /// One criterion got one answer.
    Answer { criterion: String, option: String },
}

/// A rule that forbids operating whatever the band says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KnockOut {
    pub key: String,
    pub description: String,
    /// The levels in which the rule applies; every level when empty.
    #[serde(default)]
    pub in_levels: Vec<String>,
    pub condition: Condition,
    pub action: String,
}

/// A criteria set as an administrator writes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    pub direction: Direction,
    pub criteria: Vec<Criterion>,
    pub bands: Vec<Band>,
    #[serde(default)]
    pub knock_outs: Vec<KnockOut>,
    /// Which parts of the set are approximations of the published one.
    #[serde(default)]
    pub approximations: Vec<String>,
}

/// Why a definition cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefinitionError {
    /// The dotted place in the definition, e.g. `criteria[2].options`.
    pub place: String,
    pub code: &'static str,
    pub message: String,
}

fn problem(
    place: impl Into<String>,
    code: &'static str,
    message: impl Into<String>,
) -> DefinitionError {
    DefinitionError {
        place: place.into(),
        code,
        message: message.into(),
    }
}

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 60
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl Definition {
    /// Checks everything scoring relies on, returning every problem found.
    pub fn check(&self) -> Result<(), Vec<DefinitionError>> {
        let mut errors = Vec::new();
        if self.criteria.is_empty() {
            errors.push(problem(
                "criteria",
                "empty",
                "a set has at least one criterion",
            ));
        }
        let mut keys = BTreeSet::new();
        for (i, criterion) in self.criteria.iter().enumerate() {
            let place = format!("criteria[{i}]");
            if !valid_key(&criterion.key) {
                errors.push(problem(
                    format!("{place}.key"),
                    "invalid_key",
                    "keys are 1 to 60 lower-case letters, digits and underscores",
                ));
            }
            if !keys.insert(criterion.key.as_str()) {
                errors.push(problem(
                    format!("{place}.key"),
                    "duplicate_key",
                    format!("criterion {} appears twice", criterion.key),
                ));
            }
            if criterion.options.len() < 2 {
                errors.push(problem(
                    format!("{place}.options"),
                    "too_few_options",
                    "a criterion has at least two answer options",
                ));
            }
            let mut option_keys = BTreeSet::new();
            for (j, option) in criterion.options.iter().enumerate() {
                if !valid_key(&option.key) || !option_keys.insert(option.key.as_str()) {
                    errors.push(problem(
                        format!("{place}.options[{j}].key"),
                        "invalid_key",
                        "option keys are unique lower-case keys within their criterion",
                    ));
                }
                if option.points > 1000 {
                    errors.push(problem(
                        format!("{place}.options[{j}].points"),
                        "out_of_range",
                        "an option is worth at most 1000 points",
                    ));
                }
                if let (Some(min), Some(below)) = (option.min, option.below)
                    && min.partial_cmp(&below) != Some(std::cmp::Ordering::Less)
                {
                    errors.push(problem(
                        format!("{place}.options[{j}]"),
                        "empty_range",
                        "min must be below `below`",
                    ));
                }
            }
            if criterion.is_measured() {
                if criterion.options.iter().any(|o| !o.is_ranged()) {
                    errors.push(problem(
                        format!("{place}.options"),
                        "mixed_options",
                        "a measured criterion gives a range on every option",
                    ));
                }
                let mut ranges: Vec<(f64, f64)> = criterion
                    .options
                    .iter()
                    .map(|o| (o.min.unwrap_or(f64::MIN), o.below.unwrap_or(f64::MAX)))
                    .collect();
                ranges.sort_by(|a, b| a.0.total_cmp(&b.0));
                if ranges.windows(2).any(|pair| pair[1].0 < pair[0].1) {
                    errors.push(problem(
                        format!("{place}.options"),
                        "overlapping_ranges",
                        "the ranges of a measured criterion may not overlap",
                    ));
                }
            }
        }
        if self.criteria.iter().map(Criterion::max_points).sum::<u32>() == 0 {
            errors.push(problem(
                "criteria",
                "no_points",
                "at least one option must be worth points",
            ));
        }

        match self.bands.split_last() {
            None => errors.push(problem("bands", "empty", "a set has at least one band")),
            Some((last, rest)) => {
                if last.up_to.is_some() {
                    errors.push(problem(
                        format!("bands[{}].up_to", rest.len()),
                        "bounded_last_band",
                        "the last band covers everything above the others: leave up_to out",
                    ));
                }
                let mut previous: Option<UpperBound> = None;
                for (i, band) in rest.iter().enumerate() {
                    let Some(bound) = band.up_to else {
                        errors.push(problem(
                            format!("bands[{i}].up_to"),
                            "unbounded_band",
                            "every band but the last says where it ends",
                        ));
                        continue;
                    };
                    let increasing = previous.is_none_or(|p| {
                        bound.percent > p.percent
                            || (bound.percent == p.percent && bound.inclusive && !p.inclusive)
                    });
                    if !increasing || bound.percent > 100 {
                        errors.push(problem(
                            format!("bands[{i}].up_to"),
                            "bands_out_of_order",
                            "bands are listed from the lowest percentage up, within 0 to 100",
                        ));
                    }
                    previous = Some(bound);
                }
            }
        }
        let mut levels = BTreeSet::new();
        for (i, band) in self.bands.iter().enumerate() {
            if !valid_key(&band.level) || !levels.insert(band.level.as_str()) {
                errors.push(problem(
                    format!("bands[{i}].level"),
                    "invalid_key",
                    "levels are unique lower-case keys",
                ));
            }
        }
        for (i, rule) in self.knock_outs.iter().enumerate() {
            let place = format!("knock_outs[{i}]");
            for level in &rule.in_levels {
                if !levels.contains(level.as_str()) {
                    errors.push(problem(
                        format!("{place}.in_levels"),
                        "unknown_level",
                        format!("no band has level {level}"),
                    ));
                }
            }
            if let Condition::Answer { criterion, option } = &rule.condition {
                let known = self
                    .criteria
                    .iter()
                    .find(|c| &c.key == criterion)
                    .is_some_and(|c| c.options.iter().any(|o| &o.key == option));
                if !known {
                    errors.push(problem(
                        format!("{place}.condition"),
                        "unknown_answer",
                        format!("criterion {criterion} has no option {option}"),
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    pub fn max_score(&self) -> u32 {
        self.criteria.iter().map(Criterion::max_points).sum()
    }
}

/// An answer to one criterion: an option's key, or a measured value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Option(String),
    Value(f64),
}

/// Why answers cannot be scored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerError {
    pub criterion: String,
    pub code: &'static str,
    pub message: String,
}

/// The points one criterion earned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CriterionScore {
    pub criterion: String,
    pub option: String,
    pub points: u32,
    pub min_points: u32,
    pub max_points: u32,
}

/// What a submission scores.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    pub score: u32,
    pub max_score: u32,
    /// The score as a percentage of the maximum, rounded to two decimals for display.
    pub percent: f64,
    pub level: String,
    pub may_operate: bool,
    /// What the unit must do: the band's action, then each knock-out's.
    pub actions: Vec<String>,
    /// The keys of the knock-out rules that fired.
    pub knocked_out_by: Vec<String>,
    /// The criteria that did worst (most risk, or least safety).
    pub worst_criteria: Vec<String>,
    pub scores: Vec<CriterionScore>,
}

/// Scores `answers` against `definition`; every criterion must be answered
/// once, with an option it has or a value one of its ranges covers.
pub fn score(
    definition: &Definition,
    answers: &BTreeMap<String, Answer>,
) -> Result<Outcome, Vec<AnswerError>> {
    let mut errors = Vec::new();
    for key in answers.keys() {
        if !definition.criteria.iter().any(|c| &c.key == key) {
            errors.push(AnswerError {
                criterion: key.clone(),
                code: "unknown_criterion",
                message: format!("this set has no criterion {key}"),
            });
        }
    }
    let mut scores = Vec::new();
    for criterion in &definition.criteria {
        let chosen = match answers.get(&criterion.key) {
            None => Err((
                "missing_answer",
                "every criterion needs an answer".to_owned(),
            )),
            Some(Answer::Option(key)) => criterion.options.iter().find(|o| &o.key == key).ok_or((
                "unknown_option",
                format!("{key} is not one of this criterion's options"),
            )),
            Some(Answer::Value(value)) if criterion.is_measured() && value.is_finite() => {
                criterion.options.iter().find(|o| o.covers(*value)).ok_or((
                    "out_of_range",
                    format!("{value} lies outside every range of this criterion"),
                ))
            }
            Some(Answer::Value(_)) => Err((
                "option_expected",
                "answer this criterion with one of its option keys".to_owned(),
            )),
        };
        match chosen {
            Ok(option) => scores.push(CriterionScore {
                criterion: criterion.key.clone(),
                option: option.key.clone(),
                points: option.points,
                min_points: criterion.min_points(),
                max_points: criterion.max_points(),
            }),
            Err((code, message)) => errors.push(AnswerError {
                criterion: criterion.key.clone(),
                code,
                message,
            }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let score: u32 = scores.iter().map(|s| s.points).sum();
    let max_score = definition.max_score().max(1);
    let band = band_of(definition, score, max_score);
    let mut may_operate = band.may_operate;
    let mut actions = vec![band.action.clone()];
    let mut knocked_out_by = Vec::new();
    for rule in &definition.knock_outs {
        let applies = rule.in_levels.is_empty() || rule.in_levels.contains(&band.level);
        let fires = match &rule.condition {
            Condition::AnyCriterionAtLeast { points } => scores.iter().any(|s| s.points >= *points),
            Condition::AnyCriterionAtMost { points } => scores.iter().any(|s| s.points <= *points),
            Condition::Answer { criterion, option } => scores
                .iter()
                .any(|s| &s.criterion == criterion && &s.option == option),
        };
        if applies && fires {
            may_operate = false;
            actions.push(rule.action.clone());
            knocked_out_by.push(rule.key.clone());
        }
    }
    Ok(Outcome {
        score,
        max_score,
        percent: (f64::from(score) * 10_000.0 / f64::from(max_score)).round() / 100.0,
        level: band.level.clone(),
        may_operate,
        actions,
        knocked_out_by,
        worst_criteria: worst(definition.direction, &scores),
        scores,
    })
}

/// The band a score falls in, compared exactly: `score / max` against
/// `percent / 100` as whole numbers.
fn band_of(definition: &Definition, score: u32, max_score: u32) -> &Band {
    let scaled = u64::from(score) * 100;
    definition
        .bands
        .iter()
        .find(|band| match band.up_to {
            None => true,
            Some(bound) => {
                let limit = u64::from(bound.percent) * u64::from(max_score);
                if bound.inclusive {
                    scaled <= limit
                } else {
                    scaled < limit
                }
            }
        })
        .or(definition.bands.last())
        .unwrap_or(&FALLBACK_BAND)
}

/// Never reached for a checked definition, which has at least one band.
static FALLBACK_BAND: Band = Band {
    level: String::new(),
    up_to: None,
    may_operate: false,
    action: String::new(),
};

/// The criteria furthest from their best answer, relative to their range.
fn worst(direction: Direction, scores: &[CriterionScore]) -> Vec<String> {
    // Badness in thousandths of the criterion's range of points.
    let badness = |s: &CriterionScore| -> u64 {
        let range = u64::from(s.max_points.saturating_sub(s.min_points)).max(1);
        let off_best = match direction {
            Direction::Risk => s.points.saturating_sub(s.min_points),
            Direction::Safety => s.max_points.saturating_sub(s.points),
        };
        u64::from(off_best) * 1000 / range
    };
    let Some(top) = scores.iter().map(badness).max().filter(|b| *b > 0) else {
        return Vec::new();
    };
    scores
        .iter()
        .filter(|s| badness(s) == top)
        .map(|s| s.criterion.clone())
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// The shipped sets, as the seed reads them.
    fn shipped() -> Vec<(String, Definition)> {
        let sets: Vec<serde_json::Value> =
            serde_json::from_str(include_str!("../../reference/criteria-sets.json")).unwrap();
        sets.into_iter()
            .map(|set| {
                (
                    set["code"].as_str().unwrap().to_owned(),
                    serde_json::from_value(set["definition"].clone()).unwrap(),
                )
            })
            .collect()
    }

    fn enterprise_2020() -> Definition {
        shipped()
            .into_iter()
            .find(|(code, _)| code == "hcmc-2020-enterprise-risk")
            .unwrap()
            .1
    }

    /// The lowest-risk answer to every criterion, with `changes` applied.
    fn answers(definition: &Definition, changes: &[(&str, Answer)]) -> BTreeMap<String, Answer> {
        let mut answers: BTreeMap<String, Answer> = definition
            .criteria
            .iter()
            .map(|c| {
                let best = c.options.iter().min_by_key(|o| o.points).unwrap();
                (c.key.clone(), Answer::Option(best.key.clone()))
            })
            .collect();
        for (key, answer) in changes {
            answers.insert((*key).to_owned(), answer.clone());
        }
        answers
    }

    fn pick(option: &str) -> Answer {
        Answer::Option(option.to_owned())
    }

    fn no() -> Answer {
        pick("no")
    }

    #[test]
    fn every_shipped_set_is_well_formed_and_says_what_is_approximate() {
        let sets = shipped();
        assert_eq!(sets.len(), 6);
        for (code, definition) in &sets {
            definition
                .check()
                .unwrap_or_else(|e| panic!("{code}: {e:?}"));
            assert!(!definition.approximations.is_empty(), "{code}");
        }
        let enterprise = enterprise_2020();
        assert_eq!(enterprise.criteria.len(), 10);
        assert_eq!(enterprise.max_score(), 100, "index = sum / 100");
        assert_eq!(enterprise.direction, Direction::Risk);
        for (code, definition) in sets
            .iter()
            .filter(|(code, _)| code.starts_with("hcmc-2021"))
        {
            assert_eq!(definition.criteria.len(), 10, "{code}");
            assert_eq!(
                definition.max_score(),
                100,
                "{code}: 10 criteria of up to 10"
            );
            assert_eq!(definition.direction, Direction::Safety, "{code}");
        }
    }

    #[test]
    fn the_enterprise_index_bands_at_every_edge() {
        let set = enterprise_2020();
        // Changes from the lowest-risk answers, then score, level, may operate.
        type Case<'a> = (Vec<(&'a str, Answer)>, u32, &'a str, bool);
        let cases: Vec<Case> = vec![
            (vec![], 10, "very_low", true),
            (vec![("headcount", pick("from_100"))], 11, "low", true),
            (
                vec![
                    ("masks_worn", no()),
                    ("hand_washing", no()),
                    ("headcount", pick("from_100")),
                ],
                29,
                "low",
                true,
            ),
            (
                vec![
                    ("masks_worn", no()),
                    ("hand_washing", no()),
                    ("headcount", pick("from_100")),
                    ("workshop_density", pick("from_9")),
                ],
                30,
                "medium",
                false,
            ),
            (
                vec![
                    ("masks_worn", no()),
                    ("hand_washing", no()),
                    ("temperature_checks", no()),
                    ("canteen_spacing", no()),
                    ("headcount", pick("from_100")),
                    ("workshop_density", pick("from_9")),
                    ("pickup_areas", pick("one_or_two")),
                ],
                49,
                "medium",
                false,
            ),
            (
                vec![
                    ("masks_worn", no()),
                    ("hand_washing", no()),
                    ("temperature_checks", no()),
                    ("canteen_spacing", no()),
                    ("headcount", pick("from_500")),
                ],
                50,
                "high",
                false,
            ),
            (
                vec![
                    ("masks_worn", no()),
                    ("hand_washing", no()),
                    ("temperature_checks", no()),
                    ("canteen_spacing", no()),
                    ("masks_handed_out", no()),
                    ("night_shifts", pick("yes")),
                    ("headcount", pick("from_5000")),
                    ("shuttle_share", pick("under_75")),
                ],
                79,
                "high",
                false,
            ),
            (
                vec![
                    ("masks_worn", no()),
                    ("hand_washing", no()),
                    ("temperature_checks", no()),
                    ("canteen_spacing", no()),
                    ("masks_handed_out", no()),
                    ("night_shifts", pick("yes")),
                    ("headcount", pick("from_5000")),
                    ("workshop_density", pick("from_2_5")),
                ],
                80,
                "very_high",
                false,
            ),
        ];
        for (changes, expected, level, may_operate) in cases {
            let outcome = score(&set, &answers(&set, &changes)).unwrap();
            assert_eq!(outcome.score, expected, "{changes:?}");
            assert_eq!(outcome.percent, f64::from(expected), "index = sum / 100");
            assert_eq!(outcome.level, level, "score {expected}");
            assert_eq!(outcome.may_operate, may_operate, "score {expected}");
        }

        let worst = answers(
            &set,
            &set.criteria
                .iter()
                .map(|c| {
                    let top = c.options.iter().max_by_key(|o| o.points).unwrap();
                    (c.key.as_str(), pick(&top.key))
                })
                .collect::<Vec<_>>(),
        );
        let outcome = score(&set, &worst).unwrap();
        assert_eq!((outcome.score, outcome.level.as_str()), (100, "very_high"));
        assert_eq!(outcome.actions, ["Do not operate."]);
    }

    #[test]
    fn a_component_at_7_knocks_out_the_medium_band_only() {
        let set = enterprise_2020();
        // Medium (30) with components at 10: may not operate, and says why.
        let medium = answers(
            &set,
            &[
                ("masks_worn", no()),
                ("hand_washing", no()),
                ("headcount", pick("from_100")),
                ("workshop_density", pick("from_9")),
            ],
        );
        let outcome = score(&set, &medium).unwrap();
        assert_eq!(outcome.level, "medium");
        assert!(!outcome.may_operate);
        assert_eq!(outcome.knocked_out_by, ["component_at_7_or_more"]);
        assert_eq!(outcome.actions.len(), 2);
        assert_eq!(outcome.worst_criteria, ["hand_washing", "masks_worn"]);

        // Low (19) with a component at 10: the rule does not apply.
        let low = answers(&set, &[("masks_worn", no())]);
        let outcome = score(&set, &low).unwrap();
        assert_eq!((outcome.level.as_str(), outcome.may_operate), ("low", true));
        assert!(outcome.knocked_out_by.is_empty());
        assert_eq!(outcome.worst_criteria, ["masks_worn"]);

        // A medium score whose components all stay at 6 or less operates.
        let mut spread = set.clone();
        spread.criteria.retain(|c| c.is_measured());
        // Four measured criteria, 40 points at most: 5 + 6 + 1 + 1 = 13 of 40 is 32.5%.
        let answers = answers(
            &spread,
            &[
                ("headcount", pick("from_500")),
                ("workshop_density", pick("from_4")),
            ],
        );
        let outcome = score(&spread, &answers).unwrap();
        assert_eq!((outcome.score, outcome.max_score), (13, 40));
        assert_eq!(outcome.percent, 32.5);
        assert_eq!(
            (outcome.level.as_str(), outcome.may_operate),
            ("medium", true)
        );
        let knocked = score(
            &spread,
            &BTreeMap::from([
                ("headcount".to_owned(), pick("from_1000")),
                ("workshop_density".to_owned(), pick("from_16")),
                ("shuttle_share".to_owned(), pick("none")),
                ("pickup_areas".to_owned(), pick("one_or_two")),
            ]),
        )
        .unwrap();
        // 7 + 1 + 1 + 2 = 11 of 40 is 27.5%: low, where the rule is silent.
        assert_eq!((knocked.level.as_str(), knocked.may_operate), ("low", true));
    }

    #[test]
    fn measured_values_fall_in_their_ranges_at_the_edges() {
        let set = enterprise_2020();
        let cases = [
            ("headcount", 99.0, "under_100"),
            ("headcount", 100.0, "from_100"),
            ("headcount", 4999.0, "from_1000"),
            ("headcount", 5000.0, "from_5000"),
            ("workshop_density", 16.0, "from_16"),
            ("workshop_density", 15.99, "from_9"),
            ("workshop_density", 2.5, "from_2_5"),
            ("workshop_density", 2.49, "below_2_5"),
        ];
        for (criterion, value, option) in cases {
            let outcome =
                score(&set, &answers(&set, &[(criterion, Answer::Value(value))])).unwrap();
            let chosen = outcome
                .scores
                .iter()
                .find(|s| s.criterion == criterion)
                .unwrap();
            assert_eq!(chosen.option, option, "{criterion} = {value}");
        }
    }

    #[test]
    fn bad_answers_are_reported_per_criterion() {
        let set = enterprise_2020();
        let mut bad = answers(
            &set,
            &[
                ("headcount", Answer::Value(-1.0)),
                ("night_shifts", Answer::Value(3.0)),
                ("masks_worn", pick("sometimes")),
                ("colour_of_walls", pick("white")),
            ],
        );
        bad.remove("canteen_spacing");
        let errors = score(&set, &bad).unwrap_err();
        let codes: BTreeMap<&str, &str> = errors
            .iter()
            .map(|e| (e.criterion.as_str(), e.code))
            .collect();
        assert_eq!(
            codes,
            BTreeMap::from([
                ("canteen_spacing", "missing_answer"),
                ("colour_of_walls", "unknown_criterion"),
                ("headcount", "out_of_range"),
                ("masks_worn", "unknown_option"),
                ("night_shifts", "option_expected"),
            ])
        );
    }

    #[test]
    fn safety_sets_band_upwards_and_name_the_weakest_criteria() {
        let (_, set) = shipped()
            .into_iter()
            .find(|(code, _)| code == "hcmc-2021-traditional-market")
            .unwrap();
        let all = |option: &str| -> BTreeMap<String, Answer> {
            set.criteria
                .iter()
                .map(|c| (c.key.clone(), pick(option)))
                .collect()
        };
        let outcome = score(&set, &all("met")).unwrap();
        assert_eq!(
            (outcome.level.as_str(), outcome.may_operate),
            ("safe", true)
        );
        assert!(outcome.worst_criteria.is_empty());
        let outcome = score(&set, &all("partly_met")).unwrap();
        assert_eq!((outcome.percent, outcome.level.as_str()), (50.0, "at_risk"));
        let mut answers = all("met");
        answers.insert("masks".to_owned(), pick("partly_met"));
        answers.insert("distancing".to_owned(), pick("not_met"));
        answers.insert("qr_check_in".to_owned(), pick("not_met"));
        let outcome = score(&set, &answers).unwrap();
        // 75 of 100: below the 80% edge.
        assert_eq!((outcome.score, outcome.level.as_str()), (75, "at_risk"));
        assert_eq!(outcome.worst_criteria, ["distancing", "qr_check_in"]);
        answers.insert("masks".to_owned(), pick("met"));
        answers.insert("distancing".to_owned(), pick("met"));
        let outcome = score(&set, &answers).unwrap();
        assert_eq!((outcome.score, outcome.level.as_str()), (90, "safe"));
        let outcome = score(&set, &all("not_met")).unwrap();
        assert_eq!(
            (outcome.level.as_str(), outcome.may_operate),
            ("unsafe", false)
        );
    }

    #[test]
    fn broken_definitions_are_refused_with_their_place() {
        let mut set = enterprise_2020();
        set.bands.swap(1, 2);
        set.bands.last_mut().unwrap().up_to = Some(UpperBound {
            percent: 100,
            inclusive: true,
        });
        set.criteria[1].key = set.criteria[0].key.clone();
        set.knock_outs[0].in_levels = vec!["extreme".to_owned()];
        let errors = set.check().unwrap_err();
        let codes: Vec<&str> = errors.iter().map(|e| e.code).collect();
        for expected in [
            "duplicate_key",
            "bounded_last_band",
            "bands_out_of_order",
            "unknown_level",
        ] {
            assert!(codes.contains(&expected), "{expected} in {errors:?}");
        }
        let empty = Definition {
            direction: Direction::Safety,
            criteria: vec![],
            bands: vec![],
            knock_outs: vec![],
            approximations: vec![],
        };
        assert!(empty.check().is_err());
    }
}
