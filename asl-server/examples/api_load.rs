//! Requests per second through the protocol layer: many keep-alive clients on the loopback
//! sending one action in a loop to an in-process server.
//!
//!     cargo run --release -p asl-server --example api_load -- [CLIENTS=64] [REQUESTS_PER_CLIENT=2000] [ACTION=DescribeStateMachine]

use std::time::Instant;

use asl_server::Server;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

const ARN: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:Load";

fn request(action: &str, body: &str) -> Vec<u8> {
    format!("POST / HTTP/1.1\r\nHost: l\r\nX-Amz-Target: AWSStepFunctions.{action}\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Reads one response; answers its status.
async fn response(r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> u16 {
    let mut line = String::new();
    r.read_line(&mut line).await.unwrap();
    let status = line[9..12].parse().unwrap();
    let mut len = 0;
    loop {
        line.clear();
        r.read_line(&mut line).await.unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).await.unwrap();
    status
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let clients: usize = args.first().map_or(64, |a| a.parse().unwrap());
    let per_client: usize = args.get(1).map_or(2000, |a| a.parse().unwrap());
    let action = args.get(2).cloned().unwrap_or_else(|| "DescribeStateMachine".into());
    let bound = Server::builder().bind(([127, 0, 0, 1], 0).into()).await.unwrap();
    let addr = bound.local_addr();
    tokio::spawn(bound.serve());

    let create = r#"{"name":"Load","roleArn":"arn:aws:iam::123456789012:role/r","definition":"{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}"}"#;
    let s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (r, mut w) = s.into_split();
    w.write_all(&request("CreateStateMachine", create)).await.unwrap();
    assert_eq!(response(&mut BufReader::new(r)).await, 200);

    let body = match action.as_str() {
        "DescribeStateMachine" | "StartExecution" => format!(r#"{{"stateMachineArn":"{ARN}"}}"#),
        _ => "{}".to_string(),
    };
    let req = request(&action, &body);
    let start = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let req = req.clone();
            tokio::spawn(async move {
                let s = tokio::net::TcpStream::connect(addr).await.unwrap();
                s.set_nodelay(true).unwrap();
                let (r, mut w) = s.into_split();
                let mut r = BufReader::new(r);
                let mut statuses = [0usize; 6];
                for _ in 0..per_client {
                    w.write_all(&req).await.unwrap();
                    statuses[(response(&mut r).await / 100) as usize] += 1;
                }
                statuses
            })
        })
        .collect();
    let mut statuses = [0usize; 6];
    for t in tasks {
        for (i, n) in t.await.unwrap().into_iter().enumerate() {
            statuses[i] += n;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let total = clients * per_client;
    println!("{action}: {total} requests from {clients} clients in {secs:.2}s: {:.0} requests/s (2xx {}, 4xx {}, 5xx {})", total as f64 / secs, statuses[2], statuses[4], statuses[5]);
}
