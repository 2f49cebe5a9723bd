//! The web console in a real headless browser (the distribution's Chromium, driven over the
//! DevTools protocol): the `asl-server` binary serves the page, the test works it as a person
//! would and checks what it shows. Screenshots go to `$CARGO_TARGET_TMPDIR/console/`.
//! Under CI (`CI` set) a missing browser fails the test; elsewhere it is skipped with a notice.

#[path = "console/cdp.rs"]
mod cdp;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use cdp::Browser;

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// The browser, or `None` (after a notice) when it is missing outside CI.
fn browser_binary() -> Option<PathBuf> {
    match cdp::find_browser() {
        Some(b) => Some(b),
        None if in_ci() => panic!("the console tests need Chromium under CI (apt-get install chromium; .ci/run installs it)"),
        None => {
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "SKIPPED console browser tests (CI is not set): no chromium on PATH");
            None
        }
    }
}

/// The server binary, killed when dropped.
struct Server {
    child: Child,
    url: String,
    db: PathBuf,
}

impl Server {
    fn start(name: &str) -> Server {
        let db = artifacts().join(format!("db-{name}-{}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&db);
        let mut child = Command::new(env!("CARGO_BIN_EXE_asl-server"))
            .args(["--port", "0", "--db", &format!("sqlite:{}", db.display())])
            .env_remove("SFN_MOCK_CONFIG")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start asl-server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.trim().strip_prefix("asl-server listening on ").unwrap_or_else(|| panic!("{line:?}")).to_string();
        Server { child, url, db }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.db.display()));
        }
    }
}

fn artifacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One browser at a time: the tests share the machine with the rest of the suite.
static ONE_BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn open(name: &str) -> Option<(std::sync::MutexGuard<'static, ()>, Server, Browser)> {
    let binary = browser_binary()?;
    let turn = ONE_BROWSER.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let server = Server::start(name);
    let profile = artifacts().join(format!("profile-{name}-{}", std::process::id()));
    let browser = Browser::launch(&binary, &profile, 1400, 1000).unwrap_or_else(|e| panic!("{e}"));
    Some((turn, server, browser))
}

const SECONDS: Duration = Duration::from_secs(30);

/// The manual-approval machine of the seed with an activity Task: a person answers it.
const APPROVAL: &str = r#"{
  "Comment": "Manual approval: a reviewer answers the activity task.",
  "StartAt": "Prepare",
  "States": {
    "Prepare": { "Type": "Pass", "Result": "ready", "ResultPath": "$.prepared", "Next": "Approve" },
    "Approve": { "Type": "Task", "Resource": "ACTIVITY", "ResultPath": "$.review", "Next": "Approved?" },
    "Approved?": { "Type": "Choice", "Choices": [ { "Variable": "$.review.approved", "BooleanEquals": true, "Next": "Approved" } ], "Default": "Rejected" },
    "Approved": { "Type": "Succeed" },
    "Rejected": { "Type": "Fail", "Error": "Rejected", "Cause": "The reviewer said no." }
  }
}"#;

/// Creates the activity and the machine through the page's own API call (POST / from the page).
fn create_approval_machine(b: &mut Browser) -> String {
    let script = format!(
        r#"(async () => {{
            const call = (a, body) => fetch('/', {{ method: 'POST', headers: {{ 'X-Amz-Target': 'AWSStepFunctions.' + a, 'Content-Type': 'application/x-amz-json-1.0' }}, body: JSON.stringify(body) }}).then(r => r.json());
            const act = await call('CreateActivity', {{ name: 'approve' }});
            const def = {def}.replace('ACTIVITY', act.activityArn);
            const sm = await call('CreateStateMachine', {{ name: 'ManualApproval', definition: def, roleArn: 'arn:aws:iam::123456789012:role/r' }});
            return sm.stateMachineArn;
        }})()"#,
        def = serde_json::to_string(APPROVAL).unwrap()
    );
    let arn = b.eval(&script).unwrap_or_else(|e| panic!("{e}"));
    arn.as_str().unwrap_or_else(|| panic!("CreateStateMachine answered {arn}")).to_string()
}

#[test]
fn the_console_lists_machines_and_draws_their_graph() {
    let Some((_turn, server, mut b)) = open("machines") else { return };
    b.navigate(&format!("{}/", server.url)).unwrap();
    b.wait_for("the empty list", "document.querySelector('#view h1').textContent === 'State machines'", SECONDS).unwrap();
    let arn = create_approval_machine(&mut b);
    b.eval("location.reload()").unwrap();
    b.wait_for("the machine in the list", "[...document.querySelectorAll('#machines a')].some(a => a.textContent === 'ManualApproval')", SECONDS).unwrap();
    let row = b.eval("document.querySelector('#machines tbody tr').innerText").unwrap();
    assert!(row.as_str().unwrap().contains("STANDARD"), "{row}");

    // Its page: the graph with a box per state (named), the definition highlighted.
    b.click("#machines a").unwrap();
    b.wait_for("the graph", "document.querySelectorAll('#graph svg rect[data-state]').length === 5", SECONDS).unwrap();
    assert_eq!(b.eval("location.hash").unwrap(), serde_json::json!(format!("#/machine/{}", arn.replace(':', "%3A"))));
    let names = b.eval("[...document.querySelectorAll('#graph rect[data-state]')].map(r => r.getAttribute('data-state')).sort().join(',')").unwrap();
    assert_eq!(names, "Approve,Approved,Approved?,Prepare,Rejected");
    let keys = b.eval("[...document.querySelectorAll('#definition span.k')].map(s => s.textContent).slice(0, 3).join(',')").unwrap();
    assert_eq!(keys, r#""Comment","StartAt","States""#);

    // The start form checks the input before anything is sent.
    b.type_into("#exec-input", r#"{"approved": "#).unwrap();
    assert_eq!(b.eval("document.getElementById('start').disabled").unwrap(), true);
    let msg = b.eval("document.getElementById('exec-input-msg').textContent").unwrap();
    assert!(msg.as_str().unwrap().starts_with("Not valid JSON"), "{msg}");
    b.type_into("#exec-input", r#"{"request": 1}"#).unwrap();
    assert_eq!(b.eval("document.getElementById('start').disabled").unwrap(), false);
    b.screenshot(&artifacts().join("machine.png")).unwrap();

    // Dark scheme: the page and the graph's paper follow it.
    b.color_scheme("dark").unwrap();
    let bg = b.eval("getComputedStyle(document.body).backgroundColor").unwrap();
    assert_eq!(bg, "rgb(20, 25, 28)");
    b.screenshot(&artifacts().join("machine-dark.png")).unwrap();
    b.color_scheme("light").unwrap();

    // The activities list.
    b.navigate(&format!("{}/#/activities", server.url)).unwrap();
    b.wait_for("the activity", "document.querySelector('#activities td')?.textContent === 'approve'", SECONDS).unwrap();
}

/// The `data-status` of a state's box in the graph.
fn status_of(b: &mut Browser, state: &str) -> String {
    let js = format!("document.querySelector('#graph rect[data-state=\"{state}\"]').parentNode.getAttribute('data-status')");
    b.eval(&js).unwrap().as_str().unwrap_or("none").to_string()
}

/// From the machine's page: start with an input, land on the execution's page, see the activity
/// state turn running (live: the page is never reloaded), take the task as the page's worker.
fn start_and_take_the_task(b: &mut Browser, url: &str, arn: &str, input: &str) {
    b.navigate(&format!("{url}/#/machine/{}", arn.replace(':', "%3A"))).unwrap();
    b.wait_for("the start form", "document.querySelector('#start-form') && document.querySelectorAll('#graph rect[data-state]').length === 5", SECONDS).unwrap();
    b.type_into("#exec-input", input).unwrap();
    b.click("#start").unwrap();
    b.wait_for("the execution's page", "location.hash.startsWith('#/execution/') && document.querySelector('#status')", SECONDS).unwrap();
    b.eval("window.sameDocument = true").unwrap();
    b.wait_for("Approve running", "document.querySelector('#graph rect[data-state=\"Approve\"]').parentNode.getAttribute('data-status') === 'running'", SECONDS).unwrap();
    assert_eq!(status_of(b, "Prepare"), "succeeded");
    assert_eq!(status_of(b, "Approved?"), "not reached");
    // Colour is not the only signal: the box has an icon and its label says the status.
    assert_eq!(b.eval("document.querySelector('#graph g[data-status=\"running\"] text.st-icon').textContent").unwrap(), "▶");
    assert_eq!(b.eval("document.querySelector('#graph rect[data-state=\"Approve\"]').getAttribute('aria-label')").unwrap(), "Approve: running");
    b.wait_for("the waiting task", "document.querySelector('#take-task')", SECONDS).unwrap();
    b.click("#take-task").unwrap();
    b.wait_for("the answer form", "document.querySelector('#send-success')", SECONDS).unwrap();
    let task_input = b.eval("document.querySelector('#waiting').innerText").unwrap();
    assert!(task_input.as_str().unwrap().contains("laptop"), "the task's input is shown: {task_input}");
}

#[test]
fn a_person_answers_the_manual_approval_from_the_page() {
    let Some((_turn, server, mut b)) = open("approval") else { return };
    b.navigate(&format!("{}/", server.url)).unwrap();
    b.wait_for("the page", "document.querySelector('#view h1')", SECONDS).unwrap();
    let arn = create_approval_machine(&mut b);

    start_and_take_the_task(&mut b, &server.url, &arn, r#"{"request": "a laptop"}"#);
    b.screenshot(&artifacts().join("execution-waiting.png")).unwrap();
    b.type_into("#task-output", r#"{"approved": true, "by": "the console test"}"#).unwrap();
    b.click("#send-success").unwrap();
    b.wait_for("SUCCEEDED", "document.querySelector('#status [data-status=\"SUCCEEDED\"]')", SECONDS).unwrap();
    // Screen readers hear the change of status.
    assert!(b.eval("document.getElementById('announce').textContent").unwrap().as_str().unwrap().ends_with(": SUCCEEDED"));
    b.wait_for("the last states coloured", "document.querySelector('#graph rect[data-state=\"Approved\"]').parentNode.getAttribute('data-status') === 'succeeded'", SECONDS).unwrap();
    for (state, status) in [("Prepare", "succeeded"), ("Approve", "succeeded"), ("Approved?", "succeeded"), ("Approved", "succeeded"), ("Rejected", "not reached")] {
        assert_eq!(status_of(&mut b, state), status, "{state}");
    }
    assert_eq!(b.eval("window.sameDocument").unwrap(), true, "the page was reloaded");
    assert!(b.eval("document.querySelector('#exec-output').textContent").unwrap().as_str().unwrap().contains("the console test"));
    let rows = b.eval("document.querySelectorAll('#history-table tbody tr').length").unwrap().as_u64().unwrap();
    assert!(rows >= 10, "{rows} history rows");
    // The keyboard reaches a state and Enter shows what it did.
    b.eval("document.querySelector('#graph rect[data-state=\"Approve\"]').focus()").unwrap();
    b.press("Enter", "Enter", 13).unwrap();
    b.wait_for("the state's details", "document.querySelector('#state-details h3')?.textContent.startsWith('Approve')", SECONDS).unwrap();
    assert!(b.eval("document.querySelector('#state-details').innerText").unwrap().as_str().unwrap().contains("the console test"));
    // Its events link to their rows in the history.
    let last = b.eval("[...document.querySelectorAll('#state-details .events button')].pop().textContent").unwrap();
    b.click("#state-details .events button:last-of-type").unwrap();
    b.wait_for("the marked row", &format!("document.querySelector('#history-table tr.marked')?.dataset.id === {last}"), SECONDS).unwrap();
    assert_eq!(b.eval("document.querySelector('#history-table tr.marked').dataset.type").unwrap(), "TaskStateExited");
    b.screenshot(&artifacts().join("execution-succeeded.png")).unwrap();

    // A reviewer's failure fails the state and the execution, with the error on both.
    start_and_take_the_task(&mut b, &server.url, &arn, r#"{"request": "a second laptop"}"#);
    b.type_into("#task-error", "Rejected.ByReviewer").unwrap();
    b.type_into("#task-cause", "Over budget").unwrap();
    b.click("#send-failure").unwrap();
    b.wait_for("FAILED", "document.querySelector('#status [data-status=\"FAILED\"]')", SECONDS).unwrap();
    b.wait_for("Approve failed", "document.querySelector('#graph rect[data-state=\"Approve\"]').parentNode.getAttribute('data-status') === 'failed'", SECONDS).unwrap();
    assert_eq!(b.eval("document.querySelector('#exec-error').textContent").unwrap(), "Rejected.ByReviewer");
    assert_eq!(status_of(&mut b, "Approved?"), "not reached");
    b.click("#graph rect[data-state=\"Approve\"]").unwrap();
    b.wait_for("the state's error", "document.querySelector('#state-error')?.textContent === 'Rejected.ByReviewer'", SECONDS).unwrap();
    assert!(b.eval("document.querySelector('#state-details').innerText").unwrap().as_str().unwrap().contains("Over budget"));
    assert_eq!(b.eval("window.sameDocument").unwrap(), true, "the page was reloaded");
    b.screenshot(&artifacts().join("execution-failed.png")).unwrap();

    // Redrive from the page: the failed state runs again, waits again, and this time succeeds.
    b.click("#redrive").unwrap();
    b.wait_for("RUNNING again", "document.querySelector('#status [data-status=\"RUNNING\"]')", SECONDS).unwrap();
    b.wait_for(
        "Approve waiting again",
        "document.querySelector('#graph rect[data-state=\"Approve\"]').parentNode.getAttribute('data-status') === 'running' && document.querySelector('#take-task')",
        SECONDS,
    )
    .unwrap();
    b.wait_for("the redrive in the history", "document.querySelector('#history-table tr[data-type=\"ExecutionRedriven\"]')", SECONDS).unwrap();
    b.click("#take-task").unwrap();
    b.wait_for("the answer form", "document.querySelector('#send-success')", SECONDS).unwrap();
    b.type_into("#task-output", r#"{"approved": true}"#).unwrap();
    b.click("#send-success").unwrap();
    b.wait_for("SUCCEEDED after the redrive", "document.querySelector('#status [data-status=\"SUCCEEDED\"]')", SECONDS).unwrap();
    assert_eq!(status_of(&mut b, "Approve"), "succeeded");
    assert_eq!(status_of(&mut b, "Approved"), "succeeded");
    assert_eq!(b.eval("window.sameDocument").unwrap(), true, "the page was reloaded");

    // The machine's page lists both executions, with their statuses, without a reload.
    b.click(".crumbs a[href^='#/machine/']").unwrap();
    b.wait_for("both executions", "[...document.querySelectorAll('#executions-table [data-status]')].map((e) => e.dataset.status).sort().join() === 'SUCCEEDED,SUCCEEDED'", SECONDS).unwrap();

    // The activities page lists the open task of a third execution, linked to it, and the
    // workers seen: the page took the first two tasks as `console` (ActivityStarted's
    // workerName), with when it last took one.
    let call = "(a, body) => fetch('/', { method: 'POST', headers: { 'X-Amz-Target': 'AWSStepFunctions.' + a, 'Content-Type': 'application/x-amz-json-1.0' }, body: JSON.stringify(body) }).then(r => r.json())";
    b.eval(&format!("({call})('StartExecution', {{ stateMachineArn: '{arn}', name: 'third', input: '{{}}' }})")).unwrap();
    b.navigate(&format!("{}/#/activities", server.url)).unwrap();
    b.wait_for("the open task", "document.querySelector('#activities .open-tasks li')?.innerText.startsWith('third · ')", SECONDS).unwrap();
    b.wait_for("the worker seen", "document.querySelector('#activities .workers li[data-worker=\"console\"]')?.innerText.startsWith('console · last seen ')", SECONDS).unwrap();
    let seen = b.eval("document.querySelector('#activities .workers li[data-worker=\"console\"]').innerText").unwrap();
    assert!(seen.as_str().unwrap().chars().any(|c| c.is_ascii_digit()), "no time: {seen}");
    assert!(b.eval("document.querySelector('#activities .open-tasks li').innerText").unwrap().as_str().unwrap().ends_with("waiting for a worker"));
    b.click("#activities .open-tasks a").unwrap();
    b.wait_for("its execution", "document.querySelector('#view h1')?.textContent === 'third' && document.querySelector('#take-task')", SECONDS).unwrap();

    // Stop from the page: the execution is aborted, the waiting task goes away.
    b.click("#stop").unwrap();
    b.wait_for("ABORTED", "document.querySelector('#status [data-status=\"ABORTED\"]')", SECONDS).unwrap();
    b.wait_for("no waiting task", "!document.querySelector('#take-task')", SECONDS).unwrap();
    assert_eq!(b.eval("document.querySelector('#exec-error').textContent").unwrap(), "Console.Stopped");
    assert_eq!(status_of(&mut b, "Approve"), "failed");
}

/// Retried, caught and Map iterations, from a real execution answered from the page.
const STATUSES: &str = r#"{
  "StartAt": "Flaky",
  "States": {
    "Flaky": { "Type": "Task", "Resource": "ACTIVITY", "ResultPath": "$.flaky", "Next": "Risky",
               "Retry": [ { "ErrorEquals": ["Flaky.Error"], "IntervalSeconds": 1, "MaxAttempts": 2 } ] },
    "Risky": { "Type": "Task", "Resource": "ACTIVITY", "Next": "Never",
               "Catch": [ { "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handled" } ] },
    "Never": { "Type": "Pass", "End": true },
    "Handled": { "Type": "Pass", "Next": "Fan" },
    "Fan": { "Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.fan", "Next": "Both",
             "ItemProcessor": { "ProcessorConfig": { "Mode": "INLINE" }, "StartAt": "Each", "States": { "Each": { "Type": "Pass", "End": true } } } },
    "Both": { "Type": "Parallel", "End": true, "ResultPath": "$.both", "Branches": [
      { "StartAt": "Left", "States": { "Left": { "Type": "Pass", "End": true } } },
      { "StartAt": "Right", "States": { "Right": { "Type": "Pass", "End": true } } } ] }
  }
}"#;

/// Takes the waiting task of `state` from the page and answers it.
fn answer(b: &mut Browser, state: &str, failure: Option<&str>) {
    let running = format!("document.querySelector('#graph rect[data-state=\"{state}\"]').parentNode.getAttribute('data-status') === 'running' && document.querySelector('#take-task')");
    b.wait_for(&format!("{state} waiting"), &running, SECONDS).unwrap();
    b.click("#take-task").unwrap();
    b.wait_for("the answer form", "document.querySelector('#send-success')", SECONDS).unwrap();
    match failure {
        Some(error) => {
            b.type_into("#task-error", error).unwrap();
            b.click("#send-failure").unwrap();
        }
        None => b.click("#send-success").unwrap(),
    }
    b.wait_for("the answer sent", "!document.querySelector('#send-success') || document.querySelector('#waiting').innerText.includes('sent.')", SECONDS).unwrap();
}

#[test]
fn states_show_retried_caught_and_map_iterations() {
    let Some((_turn, server, mut b)) = open("statuses") else { return };
    b.navigate(&format!("{}/", server.url)).unwrap();
    b.wait_for("the page", "document.querySelector('#view h1')", SECONDS).unwrap();
    let def = serde_json::to_string(STATUSES).unwrap();
    let arn = b
        .eval(&format!(
            r#"(async () => {{
                const call = (a, body) => fetch('/', {{ method: 'POST', headers: {{ 'X-Amz-Target': 'AWSStepFunctions.' + a, 'Content-Type': 'application/x-amz-json-1.0' }}, body: JSON.stringify(body) }}).then(r => r.json());
                const act = await call('CreateActivity', {{ name: 'work' }});
                return (await call('CreateStateMachine', {{ name: 'Statuses', definition: {def}.replaceAll('ACTIVITY', act.activityArn), roleArn: 'arn:aws:iam::123456789012:role/r' }})).stateMachineArn;
            }})()"#
        ))
        .unwrap();
    let arn = arn.as_str().unwrap_or_else(|| panic!("{arn}"));
    b.navigate(&format!("{}/#/machine/{}", server.url, arn.replace(':', "%3A"))).unwrap();
    b.wait_for("the start form", "document.querySelector('#start-form') && document.querySelector('#graph rect[data-state=\"Both\"]')", SECONDS).unwrap();
    b.type_into("#exec-input", r#"{"items": [1, 2, 3]}"#).unwrap();
    b.click("#start").unwrap();
    b.wait_for("the execution's page", "location.hash.startsWith('#/execution/') && document.querySelector('#status')", SECONDS).unwrap();

    answer(&mut b, "Flaky", Some("Flaky.Error"));
    // The retry schedules the task again: a new waiting task, answered this time.
    answer(&mut b, "Flaky", None);
    answer(&mut b, "Risky", Some("Risky.Error"));
    b.wait_for("SUCCEEDED", "document.querySelector('#status [data-status=\"SUCCEEDED\"]')", SECONDS).unwrap();
    b.wait_for("Both coloured", "document.querySelector('#graph rect[data-state=\"Both\"]').parentNode.getAttribute('data-status') === 'succeeded'", SECONDS).unwrap();
    for (state, status) in
        [("Flaky", "retried"), ("Risky", "caught"), ("Never", "not reached"), ("Handled", "succeeded"), ("Fan", "succeeded"), ("Each", "succeeded"), ("Left", "succeeded"), ("Right", "succeeded")]
    {
        assert_eq!(status_of(&mut b, state), status, "{state}");
    }
    let label = b.eval("document.querySelector('#graph rect[data-state=\"Fan\"]').getAttribute('aria-label')").unwrap();
    assert_eq!(label, "Fan: succeeded, iterations 3 started · 3 succeeded");
    let label = b.eval("document.querySelector('#graph rect[data-state=\"Both\"]').getAttribute('aria-label')").unwrap();
    assert_eq!(label, "Both: succeeded, branches 2 succeeded");
    assert_eq!(b.eval("document.querySelector('#graph rect[data-state=\"Both\"]').parentNode.querySelector('text.st-count').textContent").unwrap(), "✓2");
    b.click("#graph rect[data-state=\"Risky\"]").unwrap();
    b.wait_for("the caught error", "document.querySelector('#state-error')?.textContent === 'Risky.Error'", SECONDS).unwrap();
    b.screenshot(&artifacts().join("execution-statuses.png")).unwrap();
    b.color_scheme("dark").unwrap();
    assert_eq!(b.eval("getComputedStyle(document.querySelector('#graph rect[data-state=\"Risky\"]')).fill").unwrap(), "rgb(74, 52, 20)");
    b.screenshot(&artifacts().join("execution-statuses-dark.png")).unwrap();
}

#[test]
fn a_big_history_stays_quick() {
    let Some((_turn, server, mut b)) = open("big") else { return };
    // Long tasks (main thread busy over 50 ms) are recorded from the first script on.
    b.before_each_page("window.longTasks = []; new PerformanceObserver((l) => window.longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: true });")
        .unwrap();
    b.navigate(&format!("{}/", server.url)).unwrap();
    b.wait_for("the page", "document.querySelector('#view h1')", SECONDS).unwrap();
    let items = 2400;
    let def = r#"{"StartAt":"Fan","States":{"Fan":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Each","States":{"Each":{"Type":"Pass","End":true}}},"End":true}}}"#;
    let exec = b
        .eval(&format!(
            r#"(async () => {{
                const call = (a, body) => fetch('/', {{ method: 'POST', headers: {{ 'X-Amz-Target': 'AWSStepFunctions.' + a, 'Content-Type': 'application/x-amz-json-1.0' }}, body: JSON.stringify(body) }}).then(r => r.json());
                const sm = await call('CreateStateMachine', {{ name: 'Big', definition: {def}, roleArn: 'arn:aws:iam::123456789012:role/r' }});
                const items = Array.from({{ length: {items} }}, (_, i) => i);
                return (await call('StartExecution', {{ stateMachineArn: sm.stateMachineArn, input: JSON.stringify({{ items }}) }})).executionArn;
            }})()"#,
            def = serde_json::to_string(def).unwrap()
        ))
        .unwrap();
    let exec = exec.as_str().unwrap_or_else(|| panic!("{exec}"));
    let started = std::time::Instant::now();
    b.navigate(&format!("{}/#/execution/{}", server.url, exec.replace(':', "%3A"))).unwrap();
    b.wait_for("SUCCEEDED", "document.querySelector('#status [data-status=\"SUCCEEDED\"]')", Duration::from_secs(120)).unwrap();
    // Every event arrived (4 per item and 6 around them), the table shows one page of them.
    let total = 4 * items + 6;
    b.wait_for("all events", &format!("document.querySelector('#history-count').textContent.endsWith('· {total} events')"), SECONDS).unwrap();
    let elapsed = started.elapsed();
    // The table follows the last page (9606 = 192 pages of 50, and 6).
    assert_eq!(b.eval("document.querySelectorAll('#history-table tbody tr').length").unwrap(), total as u64 % 50);
    assert_eq!(b.eval("document.querySelector('#graph rect[data-state=\"Fan\"]').getAttribute('aria-label')").unwrap(), format!("Fan: succeeded, iterations {items} started · {items} succeeded"));
    b.click("button[aria-label='First page']").unwrap();
    b.wait_for("the first page", "document.querySelector('#history-table tbody td')?.textContent === '1'", SECONDS).unwrap();
    assert_eq!(b.eval("document.querySelectorAll('#history-table tbody tr').length").unwrap(), 50);
    let longest = b.eval("Math.max(0, ...window.longTasks)").unwrap().as_f64().unwrap();
    let busy = b.eval("window.longTasks.reduce((a, b) => a + b, 0)").unwrap().as_f64().unwrap();
    {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "console: {total} events shown in {elapsed:?}; longest main-thread task {longest:.0} ms, {busy:.0} ms busy in long tasks");
    }
    // Never frozen: no single task holds the page for long.
    assert!(longest < 1500.0, "the page froze for {longest} ms");
    // The observer does see a task that holds the page (so the numbers above mean something).
    b.eval("setTimeout(() => { const t = performance.now(); while (performance.now() - t < 150) {} }, 0), true").unwrap();
    b.wait_for("the probe's long task", "window.longTasks.some((d) => d >= 150)", SECONDS).unwrap();
    b.screenshot(&artifacts().join("execution-big.png")).unwrap();
}

#[test]
fn a_callback_task_is_answered_with_its_token_from_the_page() {
    let Some((_turn, server, mut b)) = open("callback") else { return };
    b.navigate(&format!("{}/", server.url)).unwrap();
    b.wait_for("the page", "document.querySelector('#view h1')", SECONDS).unwrap();
    // The token goes out in a message body under a name of the author's choosing.
    let def = r#"{"StartAt":"Notify","States":{"Notify":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters":{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/q","MessageBody":{"ticket.$":"$$.Task.Token","request.$":"$"}},"End":true}}}"#;
    let arn = b
        .eval(&format!(
            r#"(async () => {{
                const call = (a, body) => fetch('/', {{ method: 'POST', headers: {{ 'X-Amz-Target': 'AWSStepFunctions.' + a, 'Content-Type': 'application/x-amz-json-1.0' }}, body: JSON.stringify(body) }}).then(r => r.json());
                return (await call('CreateStateMachine', {{ name: 'Callback', definition: {def}, roleArn: 'arn:aws:iam::123456789012:role/r' }})).stateMachineArn;
            }})()"#,
            def = serde_json::to_string(def).unwrap()
        ))
        .unwrap();
    let arn = arn.as_str().unwrap_or_else(|| panic!("{arn}"));
    b.navigate(&format!("{}/#/machine/{}", server.url, arn.replace(':', "%3A"))).unwrap();
    b.wait_for("the start form", "document.querySelector('#start-form') && document.querySelector('#graph rect[data-state=\"Notify\"]')", SECONDS).unwrap();
    b.click("#start").unwrap();
    b.wait_for("the callback's answer form", "document.querySelector('#waiting h2')?.textContent.includes('a callback') && document.querySelector('#send-success')", SECONDS).unwrap();
    b.type_into("#task-output", r#"{"delivered": true}"#).unwrap();
    b.click("#send-success").unwrap();
    b.wait_for("SUCCEEDED", "document.querySelector('#status [data-status=\"SUCCEEDED\"]')", SECONDS).unwrap();
    assert_eq!(status_of(&mut b, "Notify"), "succeeded");
    assert!(b.eval("document.querySelector('#exec-output').textContent").unwrap().as_str().unwrap().contains("delivered"));
}

/// An express machine whose run succeeds or fails with the input's sign.
const EXPRESS: &str = r#"{
  "StartAt": "Sign",
  "States": {
    "Sign": { "Type": "Choice", "Choices": [ { "Variable": "$.n", "NumericLessThan": 0, "Next": "Negative" } ], "Default": "Double" },
    "Double": { "Type": "Pass", "Parameters": { "twice.$": "States.MathAdd($.n, $.n)" }, "End": true },
    "Negative": { "Type": "Fail", "Error": "Negative", "Cause": "n is below zero" }
  }
}"#;

#[test]
fn an_express_machine_runs_sync_executions_from_its_page() {
    let Some((_turn, server, mut b)) = open("express") else { return };
    b.navigate(&format!("{}/", server.url)).unwrap();
    b.wait_for("the empty list", "document.querySelector('#view h1').textContent === 'State machines'", SECONDS).unwrap();
    let script = format!(
        r#"fetch('/', {{ method: 'POST', headers: {{ 'X-Amz-Target': 'AWSStepFunctions.CreateStateMachine', 'Content-Type': 'application/x-amz-json-1.0' }},
            body: JSON.stringify({{ name: 'Quick', type: 'EXPRESS', definition: {def}, roleArn: 'arn:aws:iam::123456789012:role/r' }}) }}).then(r => r.json()).then(r => r.stateMachineArn)"#,
        def = serde_json::to_string(EXPRESS).unwrap()
    );
    let arn = b.eval(&script).unwrap();
    let arn = arn.as_str().unwrap_or_else(|| panic!("CreateStateMachine answered {arn}")).to_string();
    b.eval("location.reload()").unwrap();
    b.wait_for("not kept in the list", "document.querySelector('#machines tbody tr')?.innerText.includes('not kept (express)')", SECONDS).unwrap();

    // Its page says executions are not kept, lists none, and offers a sync run instead of a start.
    b.navigate(&format!("{}/#/machine/{}", server.url, arn.replace(':', "%3A"))).unwrap();
    b.wait_for("the note", "document.querySelector('#express-note')?.textContent.includes('not kept')", SECONDS).unwrap();
    b.wait_for("the graph", "document.querySelectorAll('#graph svg rect[data-state]').length === 3", SECONDS).unwrap();
    assert_eq!(b.eval("!document.querySelector('#executions-table') && !document.querySelector('#start')").unwrap(), true);

    // A run that succeeds: its status and output.
    b.type_into("#sync-input", r#"{"n": 21}"#).unwrap();
    b.click("#start-sync").unwrap();
    b.wait_for("SUCCEEDED", "document.querySelector('#sync-status [data-status=\"SUCCEEDED\"]')", SECONDS).unwrap();
    let out: serde_json::Value = serde_json::from_str(b.eval("document.querySelector('#sync-output').textContent").unwrap().as_str().unwrap()).unwrap();
    assert_eq!(out, serde_json::json!({"twice": 42}));
    assert_eq!(b.eval("!!document.querySelector('#sync-error')").unwrap(), false);
    b.screenshot(&artifacts().join("express-succeeded.png")).unwrap();

    // One that fails: its error and cause, no output.
    b.type_into("#sync-input", r#"{"n": -1}"#).unwrap();
    b.click("#start-sync").unwrap();
    b.wait_for("FAILED", "document.querySelector('#sync-status [data-status=\"FAILED\"]')", SECONDS).unwrap();
    assert_eq!(b.eval("document.querySelector('#sync-error').textContent").unwrap(), "Negative");
    assert_eq!(b.eval("document.querySelector('#sync-cause').textContent").unwrap(), "n is below zero");
    assert_eq!(b.eval("!!document.querySelector('#sync-output')").unwrap(), false);
}
