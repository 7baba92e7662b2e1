//! The database schema, written by hand once for both backends: the ids are
//! `BigInt` everywhere, which SQLite's `INTEGER PRIMARY KEY` also satisfies.

diesel::table! {
    districts (code) {
        code -> Text,
        name -> Text,
        kind -> Text,
    }
}

diesel::table! {
    wards (code) {
        code -> Text,
        name -> Text,
        district_code -> Text,
        former_district -> Nullable<Text>,
    }
}

diesel::table! {
    vaccines (code) {
        code -> Text,
        name -> Text,
        manufacturer -> Text,
        primary_doses -> Integer,
        eu_product_code -> Nullable<Text>,
    }
}

diesel::table! {
    status_policies (id) {
        id -> BigInt,
        version -> Text,
        effective_from -> Date,
        description -> Text,
        rules -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organizations (id) {
        id -> BigInt,
        public_id -> Text,
        code -> Text,
        tax_code -> Text,
        name -> Text,
        address -> Text,
        ward_code -> Text,
        sector -> Text,
        contact_phone -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    people (id) {
        id -> BigInt,
        public_id -> Text,
        qid -> Text,
        document_kind -> Text,
        document_number -> Text,
        full_name -> Text,
        folded_name -> Text,
        birth_date -> Date,
        gender -> Integer,
        phone -> Nullable<Text>,
        health_insurance_number -> Nullable<Text>,
        ward_code -> Text,
        address -> Nullable<Text>,
        declared_by_person_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    checkpoints (id) {
        id -> BigInt,
        public_id -> Text,
        organization_id -> BigInt,
        name -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamp,
        max_stay_minutes -> Integer,
    }
}

diesel::table! {
    location_codes (code) {
        code -> Text,
        checkpoint_id -> BigInt,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    accounts (id) {
        id -> BigInt,
        public_id -> Text,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        ward_code -> Nullable<Text>,
        organization_id -> Nullable<BigInt>,
        checkpoint_id -> Nullable<BigInt>,
        person_id -> Nullable<BigInt>,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        account_id -> BigInt,
        token_hash -> Text,
        family -> Text,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    vaccinations (id) {
        id -> BigInt,
        public_id -> Text,
        person_id -> BigInt,
        vaccine_code -> Text,
        dose_number -> Integer,
        administered_on -> Date,
        place -> Nullable<Text>,
        lot -> Nullable<Text>,
        source -> Text,
        source_record_id -> Nullable<Text>,
        recorded_by_account_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        removed_at -> Nullable<Timestamp>,
        removed_by_account_id -> Nullable<BigInt>,
        removed_by_request_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    recoveries (id) {
        id -> BigInt,
        public_id -> Text,
        person_id -> BigInt,
        positive_on -> Date,
        recovered_on -> Date,
        certificate_number -> Nullable<Text>,
        recorded_by_account_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        removed_at -> Nullable<Timestamp>,
        removed_by_account_id -> Nullable<BigInt>,
        removed_by_request_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    test_results (id) {
        id -> BigInt,
        public_id -> Text,
        person_id -> BigInt,
        kind -> Text,
        sampled_at -> Timestamp,
        positive -> Bool,
        facility -> Nullable<Text>,
        recorded_by_account_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        source -> Nullable<Text>,
        source_record_id -> Nullable<Text>,
    }
}

diesel::table! {
    health_declarations (id) {
        id -> BigInt,
        public_id -> Text,
        person_id -> BigInt,
        declared_at -> Timestamp,
        symptoms -> Text,
        contact_with_case -> Bool,
        recent_travel -> Bool,
        note -> Nullable<Text>,
        declared_by_account_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    visits (id) {
        id -> BigInt,
        public_id -> Text,
        checkpoint_id -> BigInt,
        organization_id -> BigInt,
        person_id -> Nullable<BigInt>,
        subject_document -> Nullable<Text>,
        subject_name -> Text,
        colour -> Text,
        reason -> Text,
        policy_version -> Text,
        method -> Text,
        signature -> Text,
        scanned_by_account_id -> Nullable<BigInt>,
        idempotency_key -> Nullable<Text>,
        entered_at -> Timestamp,
        exited_at -> Nullable<Timestamp>,
        ends_at -> Timestamp,
        exit_method -> Nullable<Text>,
    }
}

diesel::table! {
    /// The idempotency keys of recent scans and check-ins, each naming the
    /// visit it recorded; kept for the replay window, then deleted.
    visit_idempotency_keys (checkpoint_id, idempotency_key) {
        checkpoint_id -> BigInt,
        idempotency_key -> Text,
        visit_public_id -> Text,
        entered_at -> Timestamp,
    }
}

diesel::table! {
    contact_queries (id) {
        id -> BigInt,
        public_id -> Text,
        account_id -> BigInt,
        person_id -> BigInt,
        window_from -> Timestamp,
        window_until -> Timestamp,
        margin_minutes -> Integer,
        purpose -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sms_outbox (id) {
        id -> BigInt,
        public_id -> Text,
        phone -> Text,
        body -> Text,
        purpose -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    phone_registrations (id) {
        id -> BigInt,
        public_id -> Text,
        phone -> Text,
        client_address -> Text,
        details -> Text,
        code_hash -> Text,
        attempts -> Integer,
        expires_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        person_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    card_links (id) {
        id -> BigInt,
        token_hash -> Text,
        person_id -> BigInt,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    correction_requests (id) {
        id -> BigInt,
        public_id -> Text,
        person_id -> BigInt,
        ward_code -> Text,
        kind -> Text,
        routed_to -> Text,
        state -> Text,
        description -> Text,
        details -> Text,
        filed_by_account_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    qr_revocations (id) {
        id -> BigInt,
        person_id -> BigInt,
        issued_before -> Timestamp,
        reason -> Text,
        correction_request_id -> Nullable<BigInt>,
        created_by_account_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    correction_events (id) {
        id -> BigInt,
        request_id -> BigInt,
        from_state -> Nullable<Text>,
        to_state -> Text,
        note -> Nullable<Text>,
        account_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    access_log (id) {
        id -> BigInt,
        public_id -> Text,
        person_id -> BigInt,
        account_id -> Nullable<BigInt>,
        account_role -> Text,
        kind -> Text,
        purpose -> Nullable<Text>,
        organization_id -> Nullable<BigInt>,
        checkpoint_id -> Nullable<BigInt>,
        accessed_at -> Timestamp,
    }
}

diesel::table! {
    criteria_sets (id) {
        id -> BigInt,
        public_id -> Text,
        code -> Text,
        version -> Text,
        organization_kind -> Text,
        title -> Text,
        source -> Text,
        direction -> Text,
        definition -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_keys (id) {
        id -> BigInt,
        public_id -> Text,
        name -> Text,
        source -> Text,
        key_prefix -> Text,
        key_hash -> Text,
        scopes -> Text,
        created_by_account_id -> BigInt,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    assessments (id) {
        id -> BigInt,
        public_id -> Text,
        organization_id -> BigInt,
        criteria_set_id -> BigInt,
        answers -> Text,
        outcome -> Text,
        score -> Integer,
        max_score -> Integer,
        level -> Text,
        may_operate -> Bool,
        current -> Bool,
        submitted_by_account_id -> Nullable<BigInt>,
        submitted_at -> Timestamp,
    }
}

diesel::table! {
    staff_links (id) {
        id -> BigInt,
        organization_id -> BigInt,
        person_id -> BigInt,
        title -> Nullable<Text>,
        linked_by_account_id -> Nullable<BigInt>,
        linked_at -> Timestamp,
    }
}

diesel::table! {
    import_jobs (id) {
        id -> BigInt,
        public_id -> Text,
        api_key_id -> Nullable<BigInt>,
        account_id -> Nullable<BigInt>,
        kind -> Text,
        state -> Text,
        total -> Integer,
        processed -> Integer,
        created -> Integer,
        unchanged -> Integer,
        rejected -> Integer,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(wards -> districts (district_code));
diesel::joinable!(organizations -> wards (ward_code));
diesel::joinable!(people -> wards (ward_code));
diesel::joinable!(checkpoints -> organizations (organization_id));
diesel::joinable!(location_codes -> checkpoints (checkpoint_id));
diesel::joinable!(accounts -> organizations (organization_id));
diesel::joinable!(refresh_tokens -> accounts (account_id));
diesel::joinable!(correction_events -> accounts (account_id));
diesel::joinable!(vaccinations -> people (person_id));
diesel::joinable!(vaccinations -> vaccines (vaccine_code));
diesel::joinable!(recoveries -> people (person_id));
diesel::joinable!(test_results -> people (person_id));
diesel::joinable!(health_declarations -> people (person_id));
diesel::joinable!(visits -> checkpoints (checkpoint_id));
diesel::joinable!(visits -> people (person_id));
diesel::joinable!(correction_requests -> people (person_id));
diesel::joinable!(correction_events -> correction_requests (request_id));
diesel::joinable!(qr_revocations -> people (person_id));
diesel::joinable!(access_log -> people (person_id));
diesel::joinable!(staff_links -> people (person_id));
diesel::joinable!(access_log -> accounts (account_id));
diesel::joinable!(access_log -> organizations (organization_id));
diesel::joinable!(access_log -> checkpoints (checkpoint_id));

diesel::allow_tables_to_appear_in_same_query!(
    districts,
    wards,
    vaccines,
    status_policies,
    organizations,
    people,
    checkpoints,
    location_codes,
    accounts,
    refresh_tokens,
    vaccinations,
    recoveries,
    test_results,
    health_declarations,
    visits,
    visit_idempotency_keys,
    sms_outbox,
    phone_registrations,
    card_links,
    correction_requests,
    correction_events,
    qr_revocations,
    api_keys,
    import_jobs,
    access_log,
    contact_queries,
    criteria_sets,
    assessments,
    staff_links,
);
