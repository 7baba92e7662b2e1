//! The main job, walked over HTTP on each database backend: a ward officer
//! registers a vaccinated resident and prints their QR, an organization opens
//! a checkpoint, its staff scan the printed code, and anyone verifies it.
//! Also the binary's first start and its refusal of implicit production secrets.

use antoan_blackbox::{Backend, Body, Client, Sandbox, Server, decode_qr, today_in_hcmc};
use chrono::{Days, NaiveDate};
use serde_json::json;

const ADMIN_PASSWORD: &str = "city-admin-2021";
const PASSWORD: &str = "an-toan-2021";

/// Phường Linh Xuân: Linh Xuan ward of Thủ Đức City.
const WARD: &str = "26794";

/// Days after a first dose until the city's policy shows green.
const DAYS_UNTIL_GREEN: u64 = 14;

#[test]
fn main_job_on_sqlite() {
    main_job(Backend::Sqlite);
}

#[test]
fn main_job_on_postgres() {
    main_job(Backend::Postgres);
}

/// `antoan demo` gives every role an account to try; the demo resident's
/// code scans green at the demo market's gate.
#[test]
fn demo_data_set_serves_every_role() {
    let server = Server::start_embedded();
    let loaded = server.run(&["demo"]);
    assert!(loaded.status.success(), "`antoan demo` failed\n{loaded:#?}");
    let password = "demo-password-2021";
    assert!(
        loaded.stdout.contains(password),
        "the demo prints its password:\n{}",
        loaded.stdout
    );
    let again = server.run(&["demo"]);
    assert!(
        !again.status.success(),
        "loading the demo twice must refuse"
    );

    let api = server.client();
    for username in ["demo.admin", "demo.yte", "demo.linhxuan", "demo.cho"] {
        api.login(&format!("demo: {username} logs in"), username, password);
    }
    let resident = api.login("demo: the resident logs in", "demo.cudan", password);
    let me = resident
        .get("demo: the resident's account", "/auth/me")
        .expect_status(200)
        .json();
    let person = me.str("/person_id").to_owned();
    let qr = resident
        .get("demo: the resident's QR", &format!("/people/{person}/qr"))
        .expect_status(200)
        .json();
    let declared = resident
        .get(
            "demo: whom the resident declared for",
            &format!("/people/{person}/declared"),
        )
        .expect_status(200)
        .json();
    declared.check(
        declared.array("").len() == 1,
        "the resident to have declared for one person",
    );

    let guard = api.login("demo: the guard logs in", "demo.baove", password);
    let account = guard
        .get("demo: the guard's account", "/auth/me")
        .expect_status(200)
        .json();
    let organization = account.str("/organization_id").to_owned();
    let checkpoints = guard
        .get(
            "demo: the market's checkpoints",
            &format!("/organizations/{organization}/checkpoints"),
        )
        .expect_status(200)
        .json();
    let gate = checkpoints.str("/0/id").to_owned();
    let scan = guard
        .post_json(
            "demo: the guard scans the resident",
            &format!("/checkpoints/{gate}/scans"),
            &json!({ "payload": qr.str("/payload") }),
        )
        .expect_status(201)
        .json();
    scan.expect_str("/colour", "green");
}

/// A resident the walk registers, with the details the QR must carry.
struct Resident {
    /// A CCCD whose gender digit and year agree with the rest: `079` (born in
    /// Ho Chi Minh City), gender and century, the year's last two digits.
    document_number: &'static str,
    full_name: &'static str,
    folded_name: &'static str,
    birth_date: &'static str,
    gender: &'static str,
    days_since_dose: u64,
}

impl Resident {
    fn dose_date(&self) -> NaiveDate {
        today_in_hcmc() - Days::new(self.days_since_dose)
    }
}

const VACCINATED_LONG_AGO: Resident = Resident {
    document_number: "079090001234",
    full_name: "Nguyễn Văn Đức",
    folded_name: "NGUYEN VAN DUC",
    birth_date: "1990-05-17",
    gender: "male",
    days_since_dose: 20,
};

const VACCINATED_RECENTLY: Resident = Resident {
    document_number: "079185004321",
    full_name: "Trần Thị Hoà",
    folded_name: "TRAN THI HOA",
    birth_date: "1985-03-08",
    gender: "female",
    days_since_dose: 5,
};

/// A personal QR as printed for a resident.
struct PrintedQr {
    /// The text a camera reads from the image.
    payload: String,
    /// The signing key the server says it used.
    key_id: String,
}

/// An organization's checkpoint with the two accounts that work there.
struct Checkpoint {
    id: String,
    organization_admin: Client,
    staff: Client,
}

fn main_job(backend: Backend) {
    let Some(server) = Server::start(backend) else {
        return;
    };
    server.create_admin("admin", ADMIN_PASSWORD);
    let api = server.client();

    let officer = ward_officer(&api);

    let person_id = register_vaccinated(&officer, &VACCINATED_LONG_AGO);
    let qr = print_qr(&officer, &person_id, &VACCINATED_LONG_AGO);

    let checkpoint = open_checkpoint(&api);
    scan_green_exactly_once(&checkpoint, &qr, &VACCINATED_LONG_AGO);

    let recent_id = register_vaccinated(&officer, &VACCINATED_RECENTLY);
    let recent_qr = print_qr(&officer, &recent_id, &VACCINATED_RECENTLY);
    scan_black_until_green(&checkpoint, &recent_qr, &VACCINATED_RECENTLY);

    verify_offline(&api, &qr);
    logs_hold_no_personal_data(&server, &qr);
}

/// The server logged every request of the walk; none of its lines may hold
/// a name, a document number, a password or a code that carries them.
fn logs_hold_no_personal_data(server: &Server, qr: &PrintedQr) {
    let transcript = server.transcript();
    assert!(
        transcript.contains("scan.recorded"),
        "the walk was logged:\n{transcript}"
    );
    let mut secrets = vec![ADMIN_PASSWORD, PASSWORD, qr.payload.as_str()];
    for resident in [&VACCINATED_LONG_AGO, &VACCINATED_RECENTLY] {
        secrets.extend([
            resident.document_number,
            resident.full_name,
            resident.folded_name,
        ]);
    }
    for secret in secrets {
        assert!(
            !transcript.contains(secret),
            "the server log contains {secret:?}:\n{transcript}"
        );
    }
}

/// Step 1: the city administrator creates a ward officer, who logs in.
fn ward_officer(api: &Client) -> Client {
    let admin = api.login("1. admin logs in", "admin", ADMIN_PASSWORD);

    let account = admin
        .post_json(
            "1. admin creates a ward officer",
            "/accounts",
            &json!({
                "username": "canbo.linhxuan",
                "password": PASSWORD,
                "role": "ward_officer",
                "ward_code": WARD,
            }),
        )
        .expect_status(201)
        .json();
    account.expect_str("/role", "ward_officer");

    api.login("2. ward officer logs in", "canbo.linhxuan", PASSWORD)
}

/// Step 2: the ward officer creates a resident and records their first dose;
/// returns the person's id.
fn register_vaccinated(officer: &Client, resident: &Resident) -> String {
    let person = officer
        .post_json(
            "2. ward officer creates a resident",
            "/people",
            &json!({
                "document_kind": "cccd",
                "document_number": resident.document_number,
                "full_name": resident.full_name,
                "birth_date": resident.birth_date,
                "gender": resident.gender,
                "ward_code": WARD,
            }),
        )
        .expect_status(201)
        .json();
    person.expect_str("/folded_name", resident.folded_name);
    let id = person.str("/id").to_owned();

    officer
        .post_json(
            "2. ward officer records a dose",
            &format!("/people/{id}/vaccinations"),
            &json!({
                "vaccine_code": "pfizer",
                "dose_number": 1,
                "administered_on": resident.dose_date().to_string(),
            }),
        )
        .expect_status(201);

    id
}

/// Step 3: the ward officer prints the resident's QR; what a camera reads
/// from the image must be the payload the JSON view gives.
fn print_qr(officer: &Client, person_id: &str, resident: &Resident) -> PrintedQr {
    let step = "3. ward officer prints the resident's QR";

    // The server signs a fresh offline window on every request, to the
    // second, so an image and a view made in different seconds differ in
    // their token; such a pair is fetched again, a few times at most.
    let mut attempts = 0;
    let (decoded, view) = loop {
        attempts += 1;
        let view = officer
            .get(step, &format!("/people/{person_id}/qr"))
            .expect_status(200)
            .json();
        let png = officer
            .get(step, &format!("/people/{person_id}/qr.png"))
            .expect_status(200)
            .expect_content_type("image/png");
        let decoded = decode_qr(step, png.bytes());
        if decoded == view.str("/payload") || attempts == 3 {
            break (decoded, view);
        }
    };
    view.check(
        decoded == view.str("/payload"),
        &format!("the image to hold the payload, but it holds {decoded:?}"),
    );

    let prefix = format!("{}|{}|", resident.document_number, resident.folded_name);
    view.check(
        decoded.starts_with(&prefix),
        &format!("the payload to start with {prefix:?}"),
    );
    view.check(
        decoded.contains("AT2."),
        "the payload to carry an AT2. token",
    );

    PrintedQr {
        payload: decoded,
        key_id: view.str("/key_id").to_owned(),
    }
}

/// Step 4: an organization registers itself, its admin creates a checkpoint
/// and a staff account for it, and the staff member logs in.
fn open_checkpoint(api: &Client) -> Checkpoint {
    let registration = api
        .post_json(
            "4. an organization registers",
            "/organizations",
            &json!({
                "organization": {
                    "name": "Siêu thị Linh Xuân",
                    "tax_code": "0312345678",
                    "address": "12 Quốc lộ 1K, Linh Xuân, Thủ Đức",
                    "ward_code": WARD,
                    "sector": "supermarket",
                    "contact_phone": "0901234567",
                },
                "admin": { "username": "sieuthi.admin", "password": PASSWORD },
            }),
        )
        .expect_status(201)
        .json();
    let organization_id = registration.str("/organization/id");

    let organization_admin = api.login(
        "4. the organization's admin logs in",
        "sieuthi.admin",
        PASSWORD,
    );
    let checkpoint = organization_admin
        .post_json(
            "4. the organization's admin creates a checkpoint",
            &format!("/organizations/{organization_id}/checkpoints"),
            &json!({ "name": "Cổng chính" }),
        )
        .expect_status(201)
        .json();
    let id = checkpoint.str("/id").to_owned();

    organization_admin
        .post_json(
            "4. the organization's admin creates a checkpoint staff account",
            "/accounts",
            &json!({
                "username": "baove.congchinh",
                "password": PASSWORD,
                "role": "checkpoint_staff",
                "checkpoint_id": id,
            }),
        )
        .expect_status(201);
    let staff = api.login("5. checkpoint staff logs in", "baove.congchinh", PASSWORD);

    Checkpoint {
        id,
        organization_admin,
        staff,
    }
}

/// Step 5: staff scan the printed code: green, with the screen's details;
/// the scanner's replay of the same scan records nothing new.
fn scan_green_exactly_once(checkpoint: &Checkpoint, qr: &PrintedQr, resident: &Resident) {
    let scans = format!("/checkpoints/{}/scans", checkpoint.id);
    let request = json!({
        "payload": qr.payload,
        "idempotency_key": "5f0c6f1e-2b1a-4c1e-9a53-000000000001",
    });

    let scan = checkpoint
        .staff
        .post_json("5. staff scan the printed QR", &scans, &request)
        .expect_status(201)
        .json();
    expect_screen(&scan, resident, "green");
    scan.check(!scan.bool("/replayed"), "a first scan not to be a replay");
    scan.check(
        scan.str("/reason").contains("dose 1"),
        "the reason to name the dose",
    );

    let replay = checkpoint
        .staff
        .post_json("5. the scanner replays the same scan", &scans, &request)
        .expect_status(200)
        .json();
    replay.check(
        replay.bool("/replayed"),
        "the answer to be marked as a replay",
    );
    replay.expect_str("/visit_id", scan.str("/visit_id"));

    let visits = checkpoint
        .organization_admin
        .get(
            "5. the organization's admin lists the checkpoint's visits",
            &format!("/checkpoints/{}/visits", checkpoint.id),
        )
        .expect_status(200)
        .json();
    visits.check(
        visits.array("/items").len() == 1,
        "exactly one visit after a scan and its replay",
    );
}

/// Step 6: a resident whose dose is too recent scans black, and the reason
/// says the day green starts.
fn scan_black_until_green(checkpoint: &Checkpoint, qr: &PrintedQr, resident: &Resident) {
    let scan = checkpoint
        .staff
        .post_json(
            "6. staff scan a recently vaccinated resident",
            &format!("/checkpoints/{}/scans", checkpoint.id),
            &json!({
                "payload": qr.payload,
                "idempotency_key": "5f0c6f1e-2b1a-4c1e-9a53-000000000002",
            }),
        )
        .expect_status(201)
        .json();
    expect_screen(&scan, resident, "black");

    let green_from = resident.dose_date() + Days::new(DAYS_UNTIL_GREEN);
    scan.check(
        scan.str("/reason")
            .contains(&format!("green from {green_from}")),
        &format!("the reason to say green starts on {green_from}"),
    );
}

/// What every scan shows the guard: the colour, the folded name and the
/// document number with its first six characters hidden.
fn expect_screen(scan: &Body, resident: &Resident, colour: &str) {
    scan.expect_str("/colour", colour);
    scan.expect_str("/folded_name", resident.folded_name);
    let masked = format!("******{}", &resident.document_number[6..]);
    scan.expect_str("/document_masked", &masked);
}

/// Step 7: anyone can check the printed code without an account: its
/// signature holds, an altered name breaks it, and its key is published.
fn verify_offline(api: &Client, qr: &PrintedQr) {
    let verdict = api
        .post_json(
            "7. anyone verifies the printed QR",
            "/qr/verify",
            &json!({ "payload": qr.payload }),
        )
        .expect_status(200)
        .json();
    verdict.expect_str("/signature", "valid");
    verdict.expect_str("/offline_colour", "green");

    let verdict = api
        .post_json(
            "7. anyone verifies a QR whose name was altered",
            "/qr/verify",
            &json!({ "payload": with_name_altered(&qr.payload) }),
        )
        .expect_status(200)
        .json();
    verdict.expect_str("/signature", "invalid");

    let keys = api
        .get("7. anyone fetches the QR signing keys", "/qr/jwks.json")
        .expect_status(200)
        .json();
    let carried = signing_key_id(&qr.payload);
    keys.check(
        carried == qr.key_id,
        &format!("the QR's token to name key {}, not {carried}", qr.key_id),
    );
    keys.check(
        keys.array("/keys")
            .iter()
            .any(|key| key["kid"].as_str() == Some(carried)),
        &format!("the key set to list {carried}"),
    );
}

/// The payload with the first letter of the name, its second field, replaced.
fn with_name_altered(payload: &str) -> String {
    // Folded names are ASCII, so a byte index is a character index.
    let name_start = payload.find('|').map_or(0, |at| at + 1);
    let replacement = if payload[name_start..].starts_with('X') {
        "Y"
    } else {
        "X"
    };
    let mut altered = payload.to_owned();
    altered.replace_range(name_start..name_start + 1, replacement);
    altered
}

/// The key id in the payload's token,
/// `AT2.<kid>.<issued_at>.<not_before>.<not_after>.<signature>`.
fn signing_key_id(payload: &str) -> &str {
    payload
        .split_once("AT2.")
        .and_then(|(_, token)| token.split('.').next())
        .unwrap_or_default()
}

#[cfg(unix)]
#[test]
fn first_start_creates_private_secrets_and_hints_at_create_admin() {
    use std::os::unix::fs::PermissionsExt;

    let server = Server::start_embedded();
    server.wait_for_stdout("create-admin");

    let data = server.data_dir();
    let keys: Vec<_> = std::fs::read_dir(data.join("keys"))
        .map(|entries| entries.filter_map(Result::ok).map(|entry| entry.path()))
        .into_iter()
        .flatten()
        .filter(|path| path.extension().is_some_and(|ext| ext == "pem"))
        .collect();
    assert!(
        !keys.is_empty(),
        "no signing key in {}",
        data.join("keys").display()
    );

    for path in keys.iter().chain([&data.join("token-secret")]) {
        let mode = std::fs::metadata(path)
            .map(|metadata| metadata.permissions().mode() & 0o777)
            .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        assert_eq!(mode, 0o600, "{} has mode {mode:o}", path.display());
    }
}

#[test]
fn production_refuses_to_start_without_explicit_settings() {
    let sandbox = Sandbox::new();
    let database = format!(
        "sqlite://{}",
        sandbox.data_dir().join("antoan.db").display()
    );
    let production = ("ANTOAN_ENV", "production");
    let database = ("DATABASE_URL", database.as_str());
    let secret = ("ANTOAN_TOKEN_SECRET", "0123456789abcdef0123456789abcdef");

    // Each run supplies one more setting, so the next missing one is named.
    let runs = [
        (vec![production], "DATABASE_URL"),
        (vec![production, database], "ANTOAN_TOKEN_SECRET"),
        (vec![production, database, secret], "ANTOAN_KEYS_DIR"),
    ];
    for (env, missing) in runs {
        let finished = sandbox.run(&[], &env, None);
        assert!(
            !finished.status.success() && finished.stderr.contains(missing),
            "expected a refusal naming {missing}, got {finished:#?}"
        );
    }
    assert!(
        !sandbox.data_dir().exists(),
        "a refused start wrote {}",
        sandbox.data_dir().display()
    );
}
