//! A small Chrome DevTools Protocol client over `--remote-debugging-pipe` (JSON messages ended by
//! NUL, read from the browser's fd 4 and written to its fd 3): no websocket and no crate needed.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The distribution's Chromium (or Chrome), if installed.
pub fn find_browser() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
        .iter()
        .flat_map(|name| std::env::var_os("PATH").into_iter().flat_map(move |p| std::env::split_paths(&p).map(move |d| d.join(name)).collect::<Vec<_>>()))
        .find(|p| p.is_file())
}

pub struct Browser {
    child: Child,
    to: ChildStdin,
    from: Receiver<Value>,
    next_id: u64,
    /// The page's session (flattened), once attached.
    session: Option<String>,
    /// The throwaway profile, removed with the browser.
    profile: PathBuf,
}

impl Browser {
    /// Starts a headless browser with a fresh profile in `profile`, showing one blank page.
    pub fn launch(binary: &Path, profile: &Path, width: u32, height: u32) -> Result<Browser, String> {
        let _ = std::fs::remove_dir_all(profile);
        std::fs::create_dir_all(profile).map_err(|e| e.to_string())?;
        // The shell hands the pipes over as fds 3 (commands in) and 4 (answers out).
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null"#)
            .arg(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--remote-debugging-pipe",
                "--hide-scrollbars",
                "--mute-audio",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--window-size={width},{height}"))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let to = child.stdin.take().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let (tx, from) = channel();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            while out.read_until(0, &mut buf).is_ok_and(|n| n > 0) {
                if buf.last() == Some(&0) {
                    buf.pop();
                }
                if let Ok(v) = serde_json::from_slice::<Value>(&buf)
                    && tx.send(v).is_err()
                {
                    break;
                }
                buf.clear();
            }
        });
        let mut b = Browser { child, to, from, next_id: 0, session: None, profile: profile.to_path_buf() };
        let targets = b.call("Target.getTargets", json!({}))?;
        let page = targets["targetInfos"].as_array().and_then(|t| t.iter().find(|t| t["type"] == "page")).map(|t| t["targetId"].clone());
        let target = match page {
            Some(id) => id,
            None => b.call("Target.createTarget", json!({ "url": "about:blank" }))?["targetId"].clone(),
        };
        let attached = b.call("Target.attachToTarget", json!({ "targetId": target, "flatten": true }))?;
        b.session = attached["sessionId"].as_str().map(str::to_string);
        b.call("Page.enable", json!({}))?;
        b.call("Runtime.enable", json!({}))?;
        b.call("Emulation.setDeviceMetricsOverride", json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }))?;
        Ok(b)
    }

    /// Sends a command (to the page once attached) and waits for its answer.
    pub fn call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = &self.session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).and_then(|()| self.to.flush()).map_err(|e| format!("{method}: the browser is gone: {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.from.recv_timeout(left) {
                Ok(v) if v["id"] == json!(id) => {
                    return match v.get("error") {
                        Some(e) => Err(format!("{method}: {e}")),
                        None => Ok(v["result"].clone()),
                    };
                }
                Ok(_event) => {}
                Err(RecvTimeoutError::Timeout) => return Err(format!("{method}: no answer in 30 s")),
                Err(RecvTimeoutError::Disconnected) => return Err(format!("{method}: the browser closed the pipe")),
            }
        }
    }

    pub fn navigate(&mut self, url: &str) -> Result<(), String> {
        self.call("Page.navigate", json!({ "url": url })).map(drop)
    }

    /// Evaluates a JavaScript expression in the page (awaiting a promise) and answers its value.
    pub fn eval(&mut self, expression: &str) -> Result<Value, String> {
        let r = self.call("Runtime.evaluate", json!({ "expression": expression, "awaitPromise": true, "returnByValue": true }))?;
        if let Some(ex) = r.get("exceptionDetails") {
            return Err(format!("{expression}: {}", ex["exception"]["description"].as_str().unwrap_or(&ex.to_string())));
        }
        Ok(r["result"]["value"].clone())
    }

    /// Waits until `condition` (a JavaScript expression) is truthy; the error says what the page showed.
    pub fn wait_for(&mut self, what: &str, condition: &str, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            let ok = self.eval(&format!("!!(() => {{ try {{ return {condition}; }} catch (_) {{ return false; }} }})()"))?;
            if ok == json!(true) {
                return Ok(());
            }
            if Instant::now() > deadline {
                let shown = self.eval("document.getElementById('view')?.innerText ?? document.body.innerText").unwrap_or_default();
                let shown: String = shown.as_str().unwrap_or_default().chars().take(4000).collect();
                return Err(format!("timed out waiting for {what}; the page shows:\n{shown}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Replaces the text of a field as typing would (focus, select all, insert: input events fire).
    pub fn type_into(&mut self, selector: &str, text: &str) -> Result<(), String> {
        let sel = serde_json::to_string(selector).unwrap();
        self.eval(&format!("(() => {{ const e = document.querySelector({sel}); e.focus(); e.select(); return true; }})()"))?;
        self.call("Input.insertText", json!({ "text": text })).map(drop)
    }

    /// Clicks an element (by selector) with the mouse, at its centre.
    pub fn click(&mut self, selector: &str) -> Result<(), String> {
        let sel = serde_json::to_string(selector).unwrap();
        let at = self.eval(&format!("(() => {{ const e = document.querySelector({sel}); if (!e) return null; e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"))?;
        let (x, y) = (at[0].as_f64().ok_or(format!("nothing to click at {selector}"))?, at[1].as_f64().unwrap_or(0.0));
        for ty in ["mousePressed", "mouseReleased"] {
            self.call("Input.dispatchMouseEvent", json!({ "type": ty, "x": x, "y": y, "button": "left", "clickCount": 1 }))?;
        }
        Ok(())
    }

    /// Runs `source` in every document before its own scripts.
    pub fn before_each_page(&mut self, source: &str) -> Result<(), String> {
        self.call("Page.addScriptToEvaluateOnNewDocument", json!({ "source": source })).map(drop)
    }

    /// A real key press (keyDown + keyUp) to the focused element.
    pub fn press(&mut self, key: &str, code: &str, key_code: u32) -> Result<(), String> {
        for ty in ["keyDown", "keyUp"] {
            self.call("Input.dispatchKeyEvent", json!({ "type": ty, "key": key, "code": code, "windowsVirtualKeyCode": key_code }))?;
        }
        Ok(())
    }

    /// Prefers a dark or light colour scheme (`prefers-color-scheme`).
    pub fn color_scheme(&mut self, scheme: &str) -> Result<(), String> {
        self.call("Emulation.setEmulatedMedia", json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] })).map(drop)
    }

    /// A PNG of the whole page.
    pub fn screenshot(&mut self, path: &Path) -> Result<(), String> {
        let r = self.call("Page.captureScreenshot", json!({ "format": "png", "captureBeyondViewport": true }))?;
        let png = base64(r["data"].as_str().ok_or("no screenshot data")?)?;
        std::fs::write(path, png).map_err(|e| format!("{}: {e}", path.display()))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Closed politely, the browser ends its helper processes itself; killed only if it hangs.
        self.session = None;
        let _ = self.call("Browser.close", json!({}));
        let deadline = Instant::now() + Duration::from_secs(3);
        while self.child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The browser's helpers may still be writing there for a moment.
        for _ in 0..10 {
            if std::fs::remove_dir_all(&self.profile).is_ok() || !self.profile.exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn base64(s: &str) -> Result<Vec<u8>, String> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|&c| c != b'=') {
        acc = (acc << 6) | u32::from(value(c).ok_or("bad base64 in the screenshot")?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Ok(out)
}
