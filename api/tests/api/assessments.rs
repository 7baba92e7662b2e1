//! Criteria sets as data and self-assessment: the shipped sets, new
//! versions added by the city, submissions scored and kept, and health
//! officers listing organizations by level and ward.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::TestApp;

crate::on_both_backends!(
    criteria_sets_are_data_the_city_versions,
    organizations_self_assess_and_officers_list_them_by_level,
);

async fn set_by_code(app: &TestApp, code: &str) -> Value {
    let (status, sets) = app.get("/criteria-sets", None).await;
    assert_eq!(status, StatusCode::OK, "{sets}");
    let summary = sets
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code && s["current"] == true)
        .unwrap_or_else(|| panic!("{code} in {sets}"))
        .clone();
    let (status, set) = app
        .get(
            &format!("/criteria-sets/{}", summary["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    set
}

async fn criteria_sets_are_data_the_city_versions(app: TestApp) {
    let (_, sets) = app.get("/criteria-sets", None).await;
    let sets = sets.as_array().unwrap().clone();
    assert_eq!(sets.len(), 6, "{sets:?}");
    for set in &sets {
        assert!(
            !set["approximations"].as_array().unwrap().is_empty(),
            "{set}"
        );
    }
    let (_, markets) = app
        .get("/criteria-sets?organization_kind=traditional_market", None)
        .await;
    assert_eq!(markets.as_array().unwrap().len(), 1);

    let enterprise = set_by_code(&app, "hcmc-2020-enterprise-risk").await;
    assert_eq!(enterprise["direction"], "risk");
    assert_eq!(
        enterprise["definition"]["criteria"]
            .as_array()
            .unwrap()
            .len(),
        10
    );

    // The city adds a version with a stricter very-low band, without code.
    let admin = app.admin().await;
    let mut definition = enterprise["definition"].clone();
    definition["bands"][0]["up_to"]["percent"] = json!(9);
    let version = json!({
        "code": "hcmc-2020-enterprise-risk",
        "version": "2020-strict",
        "organization_kind": "enterprise",
        "title": enterprise["title"],
        "source": "a stricter reading of the 2020 index",
        "definition": definition,
    });
    let (status, added) = app.post("/criteria-sets", Some(&admin), &version).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["current"], true);
    let (status, body) = app.post("/criteria-sets", Some(&admin), &version).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (_, sets) = app.get("/criteria-sets", None).await;
    let versions: Vec<(&str, bool)> = sets
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["code"] == "hcmc-2020-enterprise-risk")
        .map(|s| {
            (
                s["version"].as_str().unwrap(),
                s["current"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(versions, [("2020", false), ("2020-strict", true)]);

    // Broken definitions are refused with the place that is wrong.
    let mut broken = version.clone();
    broken["version"] = json!("2020-broken");
    broken["definition"]["bands"][1]["up_to"]["percent"] = json!(5);
    let (status, body) = app.post("/criteria-sets", Some(&admin), &broken).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "definition.bands[1].up_to");
    assert_eq!(body["errors"][0]["code"], "bands_out_of_order");
    broken["definition"] = json!({ "direction": "sideways" });
    let (status, body) = app.post("/criteria-sets", Some(&admin), &broken).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["code"], "malformed_definition");

    let health = app.health_officer(&admin).await;
    let (status, _) = app
        .post("/criteria-sets", Some(&health.token), &version)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Answers to the 2020 enterprise index: measured values where the
/// criterion is measured, and the given option or the lowest-risk one.
fn enterprise_answers(headcount: f64, density: f64, no: &[&str]) -> Value {
    let mut answers = json!({
        "headcount": headcount,
        "workshop_density": density,
        "hand_washing": "yes",
        "masks_worn": "yes",
        "temperature_checks": "yes",
        "canteen_spacing": "yes",
        "shuttle_share": 0,
        "pickup_areas": 0,
        "masks_handed_out": "yes",
        "night_shifts": "no",
    });
    for key in no {
        answers[*key] = json!(if *key == "night_shifts" { "yes" } else { "no" });
    }
    answers
}

async fn organizations_self_assess_and_officers_list_them_by_level(app: TestApp) {
    let admin = app.admin().await;
    let health = app.health_officer(&admin).await;
    let factory = app.organization("Công ty May Việt Tiến").await;
    let other = app.organization("Công ty Giày Thái Bình").await;
    let set = set_by_code(&app, "hcmc-2020-enterprise-risk").await;
    let set_id = set["id"].as_str().unwrap();
    let submit = |org: &str| format!("/organizations/{org}/assessments");

    // 1,200 workers at 3 m² each, no masks handed out: 7 + 8 + 10 + 7×1 = 32.
    let answers = enterprise_answers(1200.0, 3.0, &["masks_handed_out"]);
    let (status, first) = app
        .post(
            &submit(&factory.id),
            Some(&factory.admin.token),
            &json!({ "criteria_set_id": set_id, "answers": answers }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["score"], 32);
    assert_eq!(first["percent"], 32.0);
    assert_eq!(first["level"], "medium");
    assert_eq!(first["may_operate"], false, "components at 7 or more");
    assert_eq!(first["knocked_out_by"], json!(["component_at_7_or_more"]));
    assert_eq!(first["worst_criteria"], json!(["masks_handed_out"]));
    assert_eq!(first["current"], true);

    // After fixing: 300 workers at 20 m², everything in place: 2 + 9×1 = 11, low.
    let (status, second) = app
        .post(
            &submit(&factory.id),
            Some(&factory.admin.token),
            &json!({ "criteria_set_id": set_id, "answers": enterprise_answers(300.0, 20.0, &[]) }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(
        (second["level"].as_str(), second["may_operate"].as_bool()),
        (Some("low"), Some(true))
    );

    // The history keeps both, newest first, only the newest current.
    let (status, history) = app
        .get(&submit(&factory.id), Some(&factory.admin.token))
        .await;
    assert_eq!(status, StatusCode::OK, "{history}");
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], second["id"]);
    assert_eq!(items[0]["current"], true);
    assert_eq!(items[1]["current"], false);
    assert_eq!(items[1]["answers"]["headcount"], 1200.0);

    // Bad answers are refused per criterion and nothing is kept.
    let mut bad = enterprise_answers(-5.0, 3.0, &[]);
    bad["masks_worn"] = json!("sometimes");
    bad["wall_colour"] = json!("white");
    bad.as_object_mut().unwrap().remove("night_shifts");
    let (status, body) = app
        .post(
            &submit(&factory.id),
            Some(&factory.admin.token),
            &json!({ "criteria_set_id": set_id, "answers": bad }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let mut failed: Vec<(String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    failed.sort();
    assert_eq!(
        failed,
        [
            ("answers.headcount".to_owned(), "out_of_range".to_owned()),
            ("answers.masks_worn".to_owned(), "unknown_option".to_owned()),
            (
                "answers.night_shifts".to_owned(),
                "missing_answer".to_owned()
            ),
            (
                "answers.wall_colour".to_owned(),
                "unknown_criterion".to_owned()
            ),
        ]
    );
    let (status, body) = app
        .post(
            &submit(&factory.id),
            Some(&factory.admin.token),
            &json!({ "criteria_set_id": "no-such-set", "answers": {} }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["code"], "unknown_criteria_set");
    let (_, history) = app
        .get(&submit(&factory.id), Some(&factory.admin.token))
        .await;
    assert_eq!(history["items"].as_array().unwrap().len(), 2);

    // Organization B neither submits for A nor reads A's history.
    let (status, _) = app
        .post(
            &submit(&factory.id),
            Some(&other.admin.token),
            &json!({ "criteria_set_id": set_id, "answers": enterprise_answers(300.0, 20.0, &[]) }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .get(&submit(&factory.id), Some(&other.admin.token))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // B assesses high; officers list by level and ward.
    let (status, _) = app
        .post(
            &submit(&other.id),
            Some(&other.admin.token),
            &json!({
                "criteria_set_id": set_id,
                "answers": enterprise_answers(6000.0, 1.5, &["masks_worn", "hand_washing", "night_shifts"]),
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let listed = |query: &'static str| {
        let app = &app;
        let token = health.token.clone();
        async move {
            let (status, page) = app
                .get(&format!("/organizations?{query}"), Some(&token))
                .await;
            assert_eq!(status, StatusCode::OK, "{page}");
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(listed("level=low").await, [factory.id.as_str()]);
    assert_eq!(
        listed("level=high&ward_code=26815").await,
        [other.id.as_str()]
    );
    assert!(listed("level=high&ward_code=26794").await.is_empty());
    assert!(
        listed("level=medium").await.is_empty(),
        "only current assessments count"
    );
    let (_, organization) = app
        .get(
            &format!("/organizations/{}", factory.id),
            Some(&health.token),
        )
        .await;
    assert_eq!(organization["current_assessment"]["level"], "low");
    assert_eq!(organization["current_assessment"]["id"], second["id"]);
}
