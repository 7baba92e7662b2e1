//! Retention in the built binary: the server runs the job at start-up, and
//! an operator runs it by hand with `antoan retention`, first as a dry run.

use antoan_blackbox::{Backend, Server};

#[test]
fn retention_runs_at_start_up_and_by_hand_on_sqlite() {
    retention_runs_at_start_up_and_by_hand(Backend::Sqlite);
}

#[test]
fn retention_runs_at_start_up_and_by_hand_on_postgres() {
    retention_runs_at_start_up_and_by_hand(Backend::Postgres);
}

fn retention_runs_at_start_up_and_by_hand(backend: Backend) {
    let Some(server) = Server::start(backend) else {
        return;
    };
    let event = server.wait_for_stdout("retention.finished");
    assert!(event.contains("visits_deleted"), "{event}");

    let dry = server.run(&["retention", "--dry-run"]);
    assert!(dry.status.success(), "{dry:#?}");
    assert!(dry.stdout.contains("(dry run)"), "{}", dry.stdout);
    assert!(
        dry.stdout.contains("would delete: 0 visits by range"),
        "{}",
        dry.stdout
    );

    let applied = server.run(&["retention"]);
    assert!(applied.status.success(), "{applied:#?}");
    assert!(
        applied.stdout.contains("deleted: 0 visits by range"),
        "{}",
        applied.stdout
    );
    if backend == Backend::Postgres {
        // The server made today's partition and those ahead already;
        // `antoan migrate` makes those still missing.
        assert!(
            !applied.stdout.contains("created partition"),
            "{}",
            applied.stdout
        );
        let migrated = server.run(&["migrate"]);
        assert!(migrated.status.success(), "{migrated:#?}");
        assert!(
            migrated.stdout.contains("visits partition(s)")
                && !migrated.stdout.contains("postponed partition"),
            "{}",
            migrated.stdout
        );
    }
}
