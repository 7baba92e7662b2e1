//! The access matrix: every operation of the committed OpenAPI document,
//! called by every kind of caller, against the status each one must get.

use std::collections::BTreeMap;
use std::path::Path;

use antoan::db;
use chrono::{Duration, SecondsFormat, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Actor, PASSWORD, TestApp, local_today, person_input};

crate::on_both_backends!(access_matrix);

/// The callers, one per status column of [`MATRIX`] and in its order: the
/// short name heading the column, and who it is.
const CALLERS: [(&str, &str); 12] = [
    ("ano", "anonymous (no token)"),
    ("adm", "city_admin"),
    ("hlt", "health_officer"),
    ("wrd", "ward_officer of ward 26794, where P and D live"),
    ("wr2", "ward_officer of ward 27088"),
    ("org", "organization_admin of organization A"),
    ("og2", "organization_admin of organization B"),
    ("stf", "checkpoint_staff of organization A"),
    ("st2", "checkpoint_staff of organization B"),
    ("slf", "the resident who is person P"),
    ("dcl", "the resident who declared relative D"),
    ("oth", "a resident unrelated to P and D"),
];

/// Who may call what: one row per operation and target, one column per
/// caller of [`CALLERS`].
///
/// `on` names what the path's `{id}` or `{code}` stands for, or what the
/// body names where the path has no parameter:
///
/// - `-`: nothing;
/// - `P`: person P, of ward 26794, who registered themselves and has a dose;
/// - `D`: relative D, of ward 26794, declared on their behalf ("khai hộ")
///   by the resident `dcl`; D holds no account;
/// - `orgA`: organization A, which owns checkpoint A and employs `stf`;
/// - `cpA`: checkpoint A;
/// - `stf`: the account of `stf`;
/// - `loc`: the location code of checkpoint A;
/// - `vis`: person P's open self check-in at checkpoint A;
/// - `cq`: a contact query the health officer ran on P;
/// - `cs`: a shipped criteria set.
/// - `reg`: a registration by SMS waiting for its code, one per caller;
/// - `card`: a link to person P's card, sent by SMS;
/// - `cor`: a recovery correction request filed for P by the ward officer;
/// - `ward`: ward 26794;
/// - `key`: an integrator's API key;
/// - `imp`: an import the city administrator ran.
///
/// Statuses: 200, 201 and 204 are allowed calls that succeed; 401 is a call
/// without a token; 403 a role that may not do this at all; 404 a target
/// outside the caller's scope, whose existence is hidden. Operations on a
/// person appear twice, on P and on D, because no person is both a
/// resident with an account and declared by someone else.
const MATRIX: &str = "
METHOD path                               on    ano adm hlt wrd wr2 org og2 stf st2 slf dcl oth
POST   /auth/login                        -     200 200 200 200 200 200 200 200 200 200 200 200
POST   /auth/refresh                      -     200 200 200 200 200 200 200 200 200 200 200 200
POST   /auth/logout                       -     204 204 204 204 204 204 204 204 204 204 204 204
GET    /auth/me                           -     401 200 200 200 200 200 200 200 200 200 200 200
POST   /registrations                     -     201 201 201 201 201 201 201 201 201 201 201 201
POST   /registrations/sms                 -     201 201 201 201 201 201 201 201 201 201 201 201
POST   /registrations/sms/{id}/confirm    reg   201 201 201 201 201 201 201 201 201 201 201 201
POST   /cards/open                        card  200 200 200 200 200 200 200 200 200 200 200 200
GET    /districts                         -     200 200 200 200 200 200 200 200 200 200 200 200
GET    /wards                             -     200 200 200 200 200 200 200 200 200 200 200 200
GET    /vaccines                          -     200 200 200 200 200 200 200 200 200 200 200 200
GET    /status-policies                   -     200 200 200 200 200 200 200 200 200 200 200 200
GET    /criteria-sets                     -     200 200 200 200 200 200 200 200 200 200 200 200
GET    /criteria-sets/{id}                cs    200 200 200 200 200 200 200 200 200 200 200 200
POST   /criteria-sets                     -     401 201 403 403 403 403 403 403 403 403 403 403
POST   /status-policies                   -     401 201 403 403 403 403 403 403 403 403 403 403
GET    /qr/jwks.json                      -     200 200 200 200 200 200 200 200 200 200 200 200
GET    /qr/revocations.json               -     200 200 200 200 200 200 200 200 200 200 200 200
POST   /qr/verify                         P     200 200 200 200 200 200 200 200 200 200 200 200
POST   /accounts                          orgA  401 201 403 403 403 201 403 403 403 403 403 403
PATCH  /accounts/{id}                     stf   401 200 403 403 403 200 404 403 403 403 403 403
POST   /organizations                     -     201 201 201 201 201 201 201 201 201 201 201 201
GET    /organizations                     -     401 200 200 403 403 403 403 403 403 403 403 403
GET    /organizations/{id}                orgA  401 200 200 404 404 200 404 200 404 404 404 404
GET    /organizations/{id}/accounts       orgA  401 200 403 403 403 200 404 403 403 403 403 403
POST   /organizations/{id}/assessments    orgA  401 403 403 403 403 201 404 403 403 403 403 403
GET    /organizations/{id}/assessments    orgA  401 200 200 404 404 200 404 200 404 404 404 404
POST   /organizations/legacy-imports      -     401 200 403 403 403 403 403 403 403 403 403 403
POST   /organizations/{id}/staff          orgA  401 403 403 403 403 201 404 403 403 403 403 403
GET    /organizations/{id}/staff          orgA  401 200 403 403 403 200 404 403 403 403 403 403
GET    /organizations/{id}/staff.csv      orgA  401 200 403 403 403 200 404 403 403 403 403 403
GET    /organizations/{id}/staff.xlsx     orgA  401 200 403 403 403 200 404 403 403 403 403 403
DELETE /organizations/{id}/staff/{person_id} orgA 401 403 403 403 403 204 404 403 403 403 403 403
GET    /organizations/{id}/visitors       orgA  401 200 403 403 403 200 404 403 403 403 403 403
GET    /organizations/{id}/visitors.csv   orgA  401 200 403 403 403 200 404 403 403 403 403 403
GET    /organizations/{id}/visitors.xlsx  orgA  401 200 403 403 403 200 404 403 403 403 403 403
GET    /organizations/{id}/checkpoints    orgA  401 200 200 404 404 200 404 200 404 404 404 404
POST   /organizations/{id}/checkpoints    orgA  401 201 403 403 403 201 404 403 403 403 403 403
GET    /organizations/{id}/visits         orgA  401 200 200 403 403 200 404 403 403 403 403 403
GET    /locations/{code}                  loc   200 200 200 200 200 200 200 200 200 200 200 200
POST   /locations/{code}/check-ins        loc   401 403 403 403 403 403 403 403 403 201 201 201
GET    /checkpoints/{id}                  cpA   401 200 200 404 404 200 404 200 404 404 404 404
PATCH  /checkpoints/{id}                  cpA   401 200 403 403 403 200 404 403 403 403 403 403
GET    /checkpoints/{id}/location-qr.png  cpA   401 200 200 404 404 200 404 200 404 404 404 404
GET    /checkpoints/{id}/location-qr.svg  cpA   401 200 200 404 404 200 404 200 404 404 404 404
POST   /checkpoints/{id}/location-code    cpA   401 200 403 403 403 200 404 403 403 403 403 403
POST   /checkpoints/{id}/scans            cpA   401 403 403 403 403 201 404 201 404 403 403 403
POST   /checkpoints/{id}/exits            cpA   401 403 403 403 403 200 404 200 404 403 403 403
GET    /visits                            -     401 403 403 403 403 403 403 403 403 200 200 200
POST   /visits/{id}/check-out             vis   401 403 403 403 403 403 403 403 403 200 404 404
POST   /contact-queries                   P     401 403 201 403 403 403 403 403 403 403 403 403
GET    /contact-queries/{id}/contacts.csv cq    401 403 200 403 403 403 403 403 403 403 403 403
GET    /checkpoints/{id}/visits           cpA   401 200 200 403 403 200 404 403 403 403 403 403
POST   /people                            -     401 201 403 201 403 403 403 403 403 201 201 201
POST   /people/search                     P     401 200 200 200 404 404 404 404 404 200 404 404
POST   /people/search                     D     401 200 200 200 404 404 404 404 404 404 200 404
GET    /people/{id}                       P     401 200 200 200 404 404 404 404 404 200 404 404
GET    /people/{id}                       D     401 200 200 200 404 404 404 404 404 404 200 404
PATCH  /people/{id}                       P     401 200 403 200 404 404 404 404 404 200 404 404
PATCH  /people/{id}                       D     401 200 403 200 404 404 404 404 404 404 200 404
GET    /people/{id}/access-log            P     401 200 403 200 404 403 403 403 403 200 404 404
GET    /people/{id}/access-log            D     401 200 403 200 404 403 403 403 403 404 200 404
GET    /people/{id}/declared              P     401 200 200 200 404 404 404 404 404 200 404 404
GET    /people/{id}/declared              D     401 200 200 200 404 404 404 404 404 404 200 404
GET    /people/{id}/health-records        P     401 200 200 200 404 404 404 404 404 200 404 404
GET    /people/{id}/health-records        D     401 200 200 200 404 404 404 404 404 404 200 404
GET    /people/{id}/status                P     401 200 200 200 404 404 404 404 404 200 404 404
GET    /people/{id}/status                D     401 200 200 200 404 404 404 404 404 404 200 404
GET    /people/{id}/qr                    P     401 200 200 200 404 404 404 404 404 200 404 404
GET    /people/{id}/qr                    D     401 200 200 200 404 404 404 404 404 404 200 404
GET    /people/{id}/qr.png                P     401 200 200 200 404 404 404 404 404 200 404 404
GET    /people/{id}/qr.png                D     401 200 200 200 404 404 404 404 404 404 200 404
GET    /people/{id}/qr.svg                P     401 200 200 200 404 404 404 404 404 200 404 404
GET    /people/{id}/qr.svg                D     401 200 200 200 404 404 404 404 404 404 200 404
POST   /people/{id}/health-declarations   P     401 201 403 201 404 403 403 403 403 201 404 404
POST   /people/{id}/health-declarations   D     401 201 403 201 404 403 403 403 403 404 201 404
POST   /people/{id}/vaccinations          P     401 201 403 201 404 403 403 403 403 403 403 403
POST   /people/{id}/vaccinations          D     401 201 403 201 404 403 403 403 403 403 403 403
POST   /people/{id}/recoveries            P     401 201 403 201 404 403 403 403 403 403 403 403
POST   /people/{id}/recoveries            D     401 201 403 201 404 403 403 403 403 403 403 403
POST   /people/{id}/test-results          P     401 201 403 201 404 403 403 403 403 403 403 403
POST   /people/{id}/test-results          D     401 201 403 201 404 403 403 403 403 403 403 403
POST   /people/{id}/card-links            P     401 201 403 201 404 404 404 404 404 201 404 404
POST   /people/{id}/card-links            D     401 201 403 201 404 404 404 404 404 404 201 404
POST   /people/{id}/card-links/revoke     P     401 200 403 200 404 404 404 404 404 200 404 404
POST   /people/{id}/card-links/revoke     D     401 200 403 200 404 404 404 404 404 404 200 404
POST   /people/{id}/corrections           P     401 201 403 201 404 404 404 404 404 201 404 404
POST   /people/{id}/corrections           D     401 201 403 201 404 404 404 404 404 404 201 404
GET    /people/{id}/corrections           P     401 200 200 200 404 404 404 404 404 200 404 404
GET    /people/{id}/corrections           D     401 200 200 200 404 404 404 404 404 404 200 404
GET    /corrections                       -     401 200 403 200 200 403 403 403 403 403 403 403
GET    /corrections/export.csv            -     401 200 403 403 403 403 403 403 403 403 403 403
GET    /corrections/{id}                  cor   401 200 200 200 404 404 404 404 404 200 404 404
POST   /corrections/{id}/transitions      cor   401 200 403 200 404 404 404 404 404 403 404 404
POST   /wards/{code}/residents/import     ward  401 200 403 200 403 403 403 403 403 403 403 403
POST   /wards/{code}/cards.pdf            ward  401 200 403 200 403 403 403 403 403 403 403 403
POST   /api-keys                          -     401 201 403 403 403 403 403 403 403 403 403 403
GET    /api-keys                          -     401 200 403 403 403 403 403 403 403 403 403 403
POST   /api-keys/{id}/revoke              key   401 200 403 403 403 403 403 403 403 403 403 403
POST   /imports/vaccinations              -     401 200 403 403 403 403 403 403 403 403 403 403
POST   /imports/test-results              -     401 200 403 403 403 403 403 403 403 403 403 403
GET    /imports/{id}                      imp   401 200 403 403 403 403 403 403 403 403 403 403
";

/// One row of [`MATRIX`].
struct Row {
    method: &'static str,
    /// The path as the OpenAPI document spells it, under `/api/v1`.
    path: &'static str,
    on: &'static str,
    expected: Vec<u16>,
}

impl Row {
    fn operation(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// Reads [`MATRIX`], checking that its header names the columns of
/// [`CALLERS`] and that every row has one known status per caller.
fn rows() -> Vec<Row> {
    let mut lines = MATRIX.lines().filter(|line| !line.trim().is_empty());
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    let columns: Vec<&str> = CALLERS.iter().map(|(short, _)| *short).collect();
    assert_eq!(header[..3], ["METHOD", "path", "on"], "the matrix header");
    assert_eq!(header[3..], columns, "the matrix columns are the callers");

    lines
        .map(|line| {
            let cells: Vec<&'static str> = line.split_whitespace().collect();
            assert_eq!(cells.len(), 3 + CALLERS.len(), "matrix row {line:?}");
            let expected = cells[3..]
                .iter()
                .map(|cell| {
                    let status: u16 = cell.parse().unwrap();
                    assert!(
                        [200, 201, 204, 401, 403, 404].contains(&status),
                        "matrix row {line:?} expects {status}"
                    );
                    status
                })
                .collect();
            Row {
                method: cells[0],
                path: cells[1],
                on: cells[2],
                expected,
            }
        })
        .collect()
}

/// Every operation of the committed document, with whether it needs a token.
fn documented_operations() -> BTreeMap<String, bool> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("openapi/openapi.json");
    let document: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let mut operations = BTreeMap::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        let path = path.strip_prefix("/api/v1").unwrap_or(path);
        for (method, operation) in item.as_object().unwrap() {
            let secured = operation["security"]
                .as_array()
                .is_some_and(|schemes| schemes.iter().any(|s| s.get("bearer").is_some()));
            operations.insert(format!("{} {path}", method.to_uppercase()), secured);
        }
    }
    operations
}

#[test]
fn the_matrix_covers_every_documented_operation() {
    let documented = documented_operations();
    let rows = rows();

    let missing: Vec<&String> = documented
        .keys()
        .filter(|operation| !rows.iter().any(|row| &row.operation() == *operation))
        .collect();
    assert!(
        missing.is_empty(),
        "operations without a row in the access matrix: {missing:?}"
    );
    let unknown: Vec<String> = rows
        .iter()
        .map(Row::operation)
        .filter(|operation| !documented.contains_key(operation))
        .collect();
    assert!(
        unknown.is_empty(),
        "matrix rows for operations the document does not have: {unknown:?}"
    );

    // The document's security must agree with what anonymous callers get.
    for row in &rows {
        let secured = documented[&row.operation()];
        let anonymous = row.expected[0];
        assert_eq!(
            secured,
            anonymous == 401,
            "{} on {}: the document says secured={secured}, the matrix expects {anonymous} \
             without a token",
            row.operation(),
            row.on
        );
    }
}

/// A person the matrix acts on.
struct Subject {
    id: String,
    document: String,
}

/// Everything the matrix acts on, and a token per caller.
struct World {
    /// The access token of each caller, in the order of [`CALLERS`].
    tokens: Vec<Option<String>>,
    person: Subject,
    relative: Subject,
    organization: String,
    checkpoint: String,
    staff_account: String,
    location_code: String,
    check_in: String,
    contact_query: String,
    criteria_set: String,
    /// The shipped 2021 market set's criterion keys, answered `met`.
    market_answers: Value,
    /// Person P's signed personal QR.
    payload: String,
    /// The rules of the seeded status policy, for new policy versions.
    rules: Value,
    /// One registration by SMS per caller, with its code.
    registrations: Vec<(String, String)>,
    /// The secret of a link to P's card.
    card_token: String,
    correction: String,
    api_key: String,
    import: String,
    /// An account whose credentials every login call uses.
    login_username: String,
    /// One refresh token per caller for the refresh call, one for logout:
    /// each works once.
    refresh_tokens: Vec<String>,
    logout_tokens: Vec<String>,
}

impl World {
    async fn build(app: &TestApp) -> Self {
        let admin = app.admin().await;
        let health = app.health_officer(&admin).await;
        let ward = app.ward_officer(&admin, "26794").await;
        let other_ward = app.ward_officer(&admin, "27088").await;

        let organization = app.organization("Chợ Thủ Đức").await;
        let checkpoint = app.checkpoint(&organization, "Cổng chính").await;
        let staff = app.staff(&organization).await;
        let other_organization = app.organization("Siêu thị Linh Trung").await;
        app.checkpoint(&other_organization, "Cổng chính").await;
        let other_staff = app.staff(&other_organization).await;

        let own_input = person_input("26794");
        let (resident, person_id) = app.resident(own_input.clone()).await;
        app.dose(&ward.token, &person_id, "pfizer", 1, 20).await;
        let (declarer, _) = app.resident(person_input("26794")).await;
        let mut relative_input = person_input("26794");
        relative_input["full_name"] = json!("Trần Thị Bưởi");
        let relative = app.person(&declarer.token, relative_input).await;
        let (stranger, _) = app.resident(person_input("26794")).await;

        let (_, qr) = app
            .get(&format!("/people/{person_id}/qr"), Some(&ward.token))
            .await;
        let (_, check_in) = app
            .post(
                &format!(
                    "/locations/{}/check-ins",
                    text(&checkpoint["location_code"])
                ),
                Some(&resident.token),
                &json!({}),
            )
            .await;
        let (_, contact_query) = app
            .post_for(
                "/contact-queries",
                &health.token,
                "access matrix",
                &json!({
                    "person_id": person_id,
                    "from": (Utc::now() - Duration::days(1)).to_rfc3339_opts(SecondsFormat::Secs, true),
                    "until": (Utc::now() + Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Secs, true),
                    "purpose": "access matrix",
                }),
            )
            .await;
        let (_, policies) = app.get("/status-policies", None).await;
        let (_, sets) = app.get("/criteria-sets", None).await;
        let market = sets
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == "hcmc-2021-traditional-market")
            .unwrap()
            .clone();
        let (_, market) = app
            .get(&format!("/criteria-sets/{}", text(&market["id"])), None)
            .await;
        let market_answers: serde_json::Map<String, Value> = market["definition"]["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (text(&c["key"]), json!("met")))
            .collect();
        let mut refresh_tokens = Vec::new();
        for _ in 0..2 * CALLERS.len() {
            refresh_tokens.push(refresh_token(app, &stranger).await);
        }
        let logout_tokens = refresh_tokens.split_off(CALLERS.len());

        let mut registrations = Vec::new();
        for column in 0..CALLERS.len() {
            let phone = format!("09150000{column:02}");
            let mut input = person_input("26794");
            input["phone"] = json!(phone);
            let (_, pending) = app
                .post("/registrations/sms", None, &json!({ "person": input }))
                .await;
            let code = last_text(app, &phone)
                .await
                .split_whitespace()
                .find(|word| word.trim_end_matches(',').len() == 6)
                .map(|word| word[..6].to_owned())
                .unwrap();
            registrations.push((text(&pending["id"]), code));
        }
        app.post(
            &format!("/people/{person_id}/card-links"),
            Some(&ward.token),
            &json!({}),
        )
        .await;
        let card_token = last_text(app, "0909123456")
            .await
            .split_once("/card#")
            .unwrap()
            .1
            .to_owned();
        let (_, api_key) = app
            .post(
                "/api-keys",
                Some(&admin),
                &json!({ "name": "Lab", "source": "lab", "scopes": ["import_test_results"] }),
            )
            .await;
        let (_, import) = app
            .send(
                app.client
                    .post(app.url("/imports/test-results"))
                    .bearer_auth(&admin)
                    .header("content-type", "text/csv")
                    .body(""),
            )
            .await;
        let (_, correction) = app
            .post(
                &format!("/people/{person_id}/corrections"),
                Some(&ward.token),
                &json!({ "kind": "recovery", "description": "Đã khỏi bệnh." }),
            )
            .await;

        let token = |actor: &Actor| Some(actor.token.clone());
        Self {
            tokens: vec![
                None,
                Some(admin),
                token(&health),
                token(&ward),
                token(&other_ward),
                token(&organization.admin),
                token(&other_organization.admin),
                token(&staff),
                token(&other_staff),
                token(&resident),
                token(&declarer),
                token(&stranger),
            ],
            person: Subject {
                id: person_id,
                document: text(&own_input["document_number"]),
            },
            relative: Subject {
                id: text(&relative["id"]),
                document: text(&relative["document_number"]),
            },
            organization: organization.id.clone(),
            checkpoint: text(&checkpoint["id"]),
            staff_account: staff.id.clone(),
            location_code: text(&checkpoint["location_code"]),
            check_in: text(&check_in["visit"]["visit_id"]),
            contact_query: text(&contact_query["id"]),
            criteria_set: text(&market["id"]),
            market_answers: Value::Object(market_answers),
            payload: text(&qr["payload"]),
            rules: policies[0]["rules"].clone(),
            registrations,
            card_token,
            correction: text(&correction["id"]),
            api_key: text(&api_key["id"]),
            import: text(&import["id"]),
            login_username: stranger.username.clone(),
            refresh_tokens,
            logout_tokens,
        }
    }

    /// The person a row acts on.
    fn subject(&self, row: &Row) -> &Subject {
        match row.on {
            "P" => &self.person,
            "D" => &self.relative,
            other => panic!("{} acts on {other}, not on a person", row.operation()),
        }
    }

    /// The row's path with the id of what it acts on, for the caller of `column`.
    fn path(&self, row: &Row, column: usize) -> String {
        let id = match row.on {
            "-" | "card" => return row.path.to_owned(),
            "reg" => &self.registrations[column].0,
            "ward" => "26794",
            "key" => &self.api_key,
            "imp" => &self.import,
            "cor" => &self.correction,
            "P" | "D" => &self.subject(row).id,
            "orgA" => &self.organization,
            "cpA" => &self.checkpoint,
            "stf" => &self.staff_account,
            "loc" => &self.location_code,
            "vis" => &self.check_in,
            "cq" => &self.contact_query,
            "cs" => &self.criteria_set,
            other => panic!("unknown target {other} in the matrix"),
        };
        row.path
            .replace("{id}", id)
            .replace("{code}", id)
            .replace("{person_id}", &self.person.id)
    }

    /// A body with which the row's call succeeds when it is allowed. Bodies
    /// that create something are new for every call, so that each allowed
    /// call succeeds on its own.
    fn body(&self, row: &Row, column: usize) -> Option<Value> {
        let unique = || db::new_public_id()[..10].to_owned();
        let body = match (row.method, row.path) {
            ("POST", "/auth/login") => {
                json!({ "username": self.login_username, "password": PASSWORD })
            }
            ("POST", "/auth/refresh") => json!({ "refresh_token": self.refresh_tokens[column] }),
            ("POST", "/auth/logout") => json!({ "refresh_token": self.logout_tokens[column] }),
            ("POST", "/registrations") => json!({
                "username": format!("resident-{}", unique()),
                "password": PASSWORD,
                "person": person_input("26794"),
            }),
            ("POST", "/status-policies") => json!({
                "version": format!("access-{}", unique()),
                // Far in the future, so that no colour in the matrix changes.
                "effective_from": "2099-01-01",
                "description": "A later version with the same rules.",
                "rules": self.rules,
            }),
            ("POST", "/qr/verify") => json!({ "payload": self.payload }),
            ("POST", "/registrations/sms") => {
                let mut person = person_input("26794");
                person["phone"] = json!(format!("09160000{column:02}"));
                json!({ "person": person })
            }
            ("POST", "/registrations/sms/{id}/confirm") => {
                json!({ "code": self.registrations[column].1 })
            }
            ("POST", "/cards/open") => json!({ "token": self.card_token }),
            ("POST", "/people/{id}/corrections") => json!({
                "kind": "vaccination",
                "description": "Thiếu mũi 2.",
                "vaccination": { "vaccine_code": "pfizer", "dose_number": 2 },
            }),
            ("POST", "/corrections/{id}/transitions") => json!({ "note": "Đã xem." }),
            // A CSV file, which `call` sends as text.
            ("POST", "/wards/{code}/residents/import") => {
                let person = person_input("26794");
                Value::String(format!(
                    "document_kind,document_number,full_name,birth_date,gender\n\
                     cccd,{},Lê Văn Tám,1990-05-17,female\n",
                    text(&person["document_number"])
                ))
            }
            ("POST", "/wards/{code}/cards.pdf") => json!({ "person_ids": [self.person.id] }),
            ("POST", "/api-keys") => json!({
                "name": "Phòng xét nghiệm",
                "source": format!("lab_{}", unique()),
                "scopes": ["import_vaccinations"],
            }),
            // Empty files, which `call` sends as text: nothing to import.
            ("POST", "/imports/vaccinations" | "/imports/test-results") => {
                Value::String(String::new())
            }
            ("POST", "/accounts") => json!({
                "username": format!("staff-{}", unique()),
                "password": PASSWORD,
                "role": "checkpoint_staff",
                "organization_id": self.organization,
            }),
            ("PATCH", "/accounts/{id}") => json!({ "active": true }),
            ("POST", "/organizations") => json!({
                "organization": {
                    "name": "Cửa hàng Bách hóa Xanh",
                    "tax_code": "0312345678",
                    "address": "12 Hoàng Diệu 2, Linh Trung",
                    "ward_code": "26815",
                    "sector": "food_retail",
                    "contact_phone": "0909123456",
                },
                "admin": { "username": format!("org-{}", unique()), "password": PASSWORD },
            }),
            ("POST", "/organizations/{id}/checkpoints") => json!({ "name": "Cổng phụ" }),
            ("POST", "/checkpoints/{id}/scans") | ("POST", "/checkpoints/{id}/exits") => {
                json!({ "document_number": self.person.document })
            }
            ("PATCH", "/checkpoints/{id}") => json!({ "max_stay_minutes": 240 }),
            ("POST", "/criteria-sets") => json!({
                "code": "access-matrix",
                "version": unique(),
                "organization_kind": "market",
                "title": "A set made by the access matrix",
                "source": "the access matrix",
                "definition": {
                    "direction": "safety",
                    "criteria": [{ "key": "masks", "text": "Masks", "options": [
                        { "key": "no", "label": "no", "points": 0 },
                        { "key": "yes", "label": "yes", "points": 1 },
                    ]}],
                    "bands": [{ "level": "safe", "may_operate": true, "action": "Operate." }],
                },
            }),
            ("POST", "/organizations/{id}/staff") => {
                json!({ "document_number": self.person.document })
            }
            ("POST", "/organizations/{id}/assessments") => json!({
                "criteria_set_id": self.criteria_set,
                "answers": self.market_answers,
            }),
            // Sent as text/csv by `call`.
            ("POST", "/organizations/legacy-imports") => Value::String(format!(
                "legacy_code,tax_code,name,address,ward_code,sector,contact_phone\n\
                 AM-{},0312345678,Chợ cũ,1 Võ Văn Ngân,26815,market,0909123456\n",
                unique().to_uppercase()
            )),
            ("POST", "/locations/{code}/check-ins") => json!({}),
            ("POST", "/contact-queries") => json!({
                "person_id": self.person.id,
                "from": (Utc::now() - Duration::days(1)).to_rfc3339_opts(SecondsFormat::Secs, true),
                "until": Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
                "purpose": "access matrix",
            }),
            ("POST", "/people") => person_input("26794"),
            ("POST", "/people/search") => {
                json!({ "document_number": self.subject(row).document })
            }
            ("PATCH", "/people/{id}") => json!({ "address": "12 Kha Vạn Cân, Linh Xuân" }),
            ("POST", "/people/{id}/health-declarations") => json!({
                "symptoms": ["cough"],
                "contact_with_case": false,
                "recent_travel": false,
            }),
            // P already has dose 1; each allowed caller records a dose of
            // its own number, within the allowed 1 to 10.
            ("POST", "/people/{id}/vaccinations") => json!({
                "vaccine_code": "pfizer",
                "dose_number": 2 + column % 9,
                "administered_on": local_today() - Duration::days(1),
            }),
            ("POST", "/people/{id}/recoveries") => json!({
                "positive_on": "2021-08-01",
                "recovered_on": "2021-08-20",
                "certificate_number": "26794/2021/0815",
            }),
            ("POST", "/people/{id}/test-results") => json!({
                "kind": "rapid_antigen",
                "sampled_at": (Utc::now() - Duration::hours(2))
                    .to_rfc3339_opts(SecondsFormat::Secs, true),
                "result": "negative",
            }),
            _ => return None,
        };
        Some(body)
    }
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{value} is not a string"))
        .to_owned()
}

/// The last SMS to `phone` still waiting in the outbox.
async fn last_text(app: &TestApp, phone: &str) -> String {
    let phone = phone.to_owned();
    app.state
        .db
        .run(move |conn| db::outbox::to_phone(conn, &phone))
        .await
        .unwrap()
        .pop()
        .unwrap()
        .body
}

/// A new login of `actor`, for its refresh token.
async fn refresh_token(app: &TestApp, actor: &Actor) -> String {
    let (_, tokens) = app
        .post(
            "/auth/login",
            None,
            &json!({ "username": actor.username, "password": PASSWORD }),
        )
        .await;
    text(&tokens["refresh_token"])
}

/// Sends one call and returns its status and the start of its body. Unlike
/// the harness, a 500 is returned rather than panicking, so that every
/// mismatch of the matrix is reported at once. Every call states a purpose,
/// as officers' reads must: the matrix is about who, not why.
async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, String) {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request = request.header("X-Access-Purpose", "access%20matrix");
    match body {
        Some(Value::String(csv)) => {
            request = request.header("content-type", "text/csv").body(csv.clone());
        }
        Some(body) => request = request.json(body),
        None => {}
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    let start: String = String::from_utf8_lossy(&bytes).chars().take(300).collect();
    (status, start)
}

async fn access_matrix(app: TestApp) {
    let world = World::build(&app).await;
    let rows = rows();

    let mut calls = 0;
    let mut mismatches = Vec::new();
    for row in &rows {
        for (column, (short, caller)) in CALLERS.iter().enumerate() {
            let path = world.path(row, column);
            let body = world.body(row, column);
            let token = world.tokens[column].as_deref();
            let (status, answer) = call(&app, row.method, &path, token, body.as_ref()).await;
            calls += 1;
            if status != row.expected[column] {
                mismatches.push(format!(
                    "{} on {} as {short} ({caller}): expected {}, got {status}: {answer}",
                    row.operation(),
                    row.on,
                    row.expected[column],
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {calls} calls answered otherwise than the access matrix says:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
