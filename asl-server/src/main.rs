//! `asl-server [--port 8083] [--host 127.0.0.1] [--db sqlite:PATH|postgres://…|memory] [--mock-config FILE]
//!             [--region R] [--account N] [--max-api-calls-per-second N] [--max-state-machines N]
//!             [--max-activities N] [--max-open-executions N] [--max-body-bytes N] [--lambda-endpoint URL]`

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;

use asl_server::{DbUrl, EngineBackend, Limits, MockConfig, Server};

const USAGE: &str = "usage: asl-server [--port 8083] [--host 127.0.0.1] [--db sqlite:PATH|postgres://USER@HOST/DB|memory]
                  [--mock-config FILE] [--region us-east-1] [--account 123456789012]
                  [--max-api-calls-per-second N] [--max-state-machines N] [--max-activities N]
                  [--max-open-executions N] [--max-body-bytes N] [--lambda-endpoint URL]
The mock configuration is also read from $SFN_MOCK_CONFIG, else ./MockConfigFile.json if present.";

struct Args {
    host: IpAddr,
    port: u16,
    db: DbUrl,
    mock: Option<std::path::PathBuf>,
    region: Option<String>,
    account: Option<String>,
    limits: Limits,
    max_body: Option<usize>,
    lambda: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args { host: IpAddr::from([127, 0, 0, 1]), port: 8083, db: DbUrl::default(), mock: None, region: None, account: None, limits: Limits::default(), max_body: None, lambda: None };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let (flag, inline) = match flag.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (flag, None),
        };
        let value = match inline.or_else(|| it.next()) {
            Some(v) => v,
            None => return Err(format!("{flag} needs a value")),
        };
        let num = |v: &str| v.parse::<usize>().map_err(|_| format!("{flag}: '{v}' is not a number"));
        match flag.as_str() {
            "--port" => a.port = value.parse().map_err(|_| format!("--port: '{value}' is not a port number"))?,
            "--host" => a.host = value.parse().map_err(|_| format!("--host: '{value}' is not an IP address"))?,
            "--db" => a.db = value.parse()?,
            "--mock-config" => a.mock = Some(value.into()),
            "--region" => a.region = Some(value),
            "--account" => a.account = Some(value),
            "--max-api-calls-per-second" => a.limits.api_calls_per_second = Some(num(&value)? as f64),
            "--max-state-machines" => a.limits.max_state_machines = num(&value)?,
            "--max-activities" => a.limits.max_activities = num(&value)?,
            "--max-open-executions" => a.limits.max_open_executions = num(&value)?,
            "--max-body-bytes" => a.max_body = Some(num(&value)?),
            "--lambda-endpoint" if value.starts_with("http://") || value.starts_with("https://") => a.lambda = Some(value),
            "--lambda-endpoint" => {
                return Err(format!("--lambda-endpoint: '{value}' is not an http:// or https:// URL"));
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(a)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("asl-server: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mock = match &args.mock {
        Some(path) => MockConfig::load(path).map(|c| Some((path.clone(), c))),
        None => MockConfig::discover(&std::env::current_dir().unwrap_or_default()),
    };
    let mock = match mock {
        Ok(m) => m,
        Err(e) => {
            eprintln!("asl-server: mock configuration: {e}");
            return ExitCode::from(2);
        }
    };
    let mut builder = Server::builder().db(args.db.clone()).limits(args.limits);
    if let Some(r) = args.region {
        builder = builder.region(r);
    }
    if let Some(a) = args.account {
        builder = builder.account(a);
    }
    if let Some(n) = args.max_body {
        builder = builder.max_body_bytes(n);
    }
    if let Some(url) = &args.lambda {
        eprintln!("asl-server: Lambda tasks go to {url} (the Lambda Invoke API)");
        builder = builder.lambda_endpoint(url.clone());
    }
    if let Some((path, config)) = mock {
        eprintln!("asl-server: mock configuration {} ({} state machines)", path.display(), config.state_machines.len());
        builder = builder.mock_config(config);
    }
    let backend = match EngineBackend::open(builder.settings().clone()).await {
        Ok(b) => b,
        Err(e) => {
            eprintln!("asl-server: {e}");
            return ExitCode::FAILURE;
        }
    };
    builder = builder.backend(backend);
    let bound = match builder.bind(SocketAddr::new(args.host, args.port)).await {
        Ok(b) => b,
        Err(e) => {
            eprintln!("asl-server: cannot listen on {}:{}: {e}", args.host, args.port);
            return ExitCode::FAILURE;
        }
    };
    // The one line on stdout: tools (and the tests) read the endpoint from it.
    println!("asl-server listening on http://{}", bound.local_addr());
    eprintln!("asl-server: database {}", args.db);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match bound.serve_with_shutdown(shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("asl-server: {e}");
            ExitCode::FAILURE
        }
    }
}
