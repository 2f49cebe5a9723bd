//! A keep-alive HTTP/1.1 client of the API, as an SDK keeps its connections: one request at a
//! time per connection (shared by the load test and the `api` bench).

use std::net::SocketAddr;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

pub struct Conn {
    r: BufReader<OwnedReadHalf>,
    w: OwnedWriteHalf,
    line: String,
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> Conn {
        let s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.set_nodelay(true).unwrap();
        let (r, w) = s.into_split();
        Conn { r: BufReader::new(r), w, line: String::new() }
    }

    /// One action: (status, body).
    pub async fn call(&mut self, action: &str, body: &str) -> (u16, Value) {
        let req = format!("POST / HTTP/1.1\r\nHost: l\r\nX-Amz-Target: AWSStepFunctions.{action}\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\n\r\n{body}", body.len());
        self.w.write_all(req.as_bytes()).await.unwrap();
        self.line.clear();
        self.r.read_line(&mut self.line).await.unwrap();
        let status = self.line[9..12].parse().unwrap();
        let mut len = 0;
        loop {
            self.line.clear();
            self.r.read_line(&mut self.line).await.unwrap();
            if self.line == "\r\n" {
                break;
            }
            if let Some(v) = self.line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        self.r.read_exact(&mut body).await.unwrap();
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// An action that must succeed.
    pub async fn ok(&mut self, action: &str, body: &str) -> Value {
        let (status, out) = self.call(action, body).await;
        assert_eq!(status, 200, "{action}: {out}");
        out
    }
}
