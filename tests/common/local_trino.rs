//! Trino 476 on this machine from config files a chart rendered: the server
//! tests/trino/up caches in ~/.cache/kubectl-dp/trino-476/, started with the
//! rendered jvm.config, config.properties and catalogs, adapted to the machine
//! only where it must be: every memory size scaled by one factor (so every
//! relation between them holds; tests/common/scale.rs), ports and paths on loopback and in a
//! directory of the test's own, the Docker image's libjvmkill agent (not in
//! the server tarball) left out, and only the catalogs whose plugin is installed.

use std::path::PathBuf;
use std::process::Command;

use kubectl_dp::platform::properties::Properties;

use super::repo_root;
use super::scale::{Factor, scale_node};

/// The Trino install (tests/trino/up fetches it once; run there when missing)
/// and the Java it needs.
fn install() -> (PathBuf, PathBuf, PathBuf) {
    let cache = std::env::var_os("KUBECTL_DP_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/kubectl-dp"))
        .join("trino-476");
    if !cache.join("server/.complete").is_file() {
        // Fetch by starting (and stopping) a throwaway Trino in a state dir of its own.
        let state = std::env::temp_dir().join("kubectl-dp-trino-fetch");
        let up = Command::new(repo_root().join("tests/trino/up"))
            .env("KUBECTL_DP_TRINO_STATE", &state)
            .status()
            .expect("tests/trino/up");
        let _ = Command::new(repo_root().join("tests/trino/down"))
            .env("KUBECTL_DP_TRINO_STATE", &state)
            .status();
        assert!(up.success(), "tests/trino/up could not install Trino 476");
    }
    let java = std::env::var_os("KUBECTL_DP_TEST_TRINO_JAVA_HOME")
        .or_else(|| std::env::var_os("KUBECTL_DP_TRINO_JAVA_HOME"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/jvm/temurin-25-jdk-amd64"));
    (
        cache.join("server"),
        cache.join("trino-cli-476-executable.jar"),
        java,
    )
}

/// A node's rendered files made to run here: every memory size scaled by
/// `factor` as tests/common/scale.rs does for every local Trino (`heap`: what
/// the rendered JVM options resolve to in the rendered container), the
/// libjvmkill agent left out, the port and discovery URI on loopback.
pub fn on_this_machine(
    jvm_config: &str,
    heap: u64,
    config_properties: &str,
    factor: Factor,
    port: u16,
    coordinator_port: u16,
) -> (String, String) {
    let scaled = scale_node(jvm_config, heap, config_properties, factor);
    let mut jvm = String::new();
    for line in scaled.jvm_config.lines() {
        if !line.trim().starts_with("-agentpath:") {
            jvm.push_str(line);
            jvm.push('\n');
        }
    }
    let mut props = Properties::parse(&scaled.config_properties);
    props.set("http-server.http.port", &port.to_string());
    props.set(
        "discovery.uri",
        &format!("http://127.0.0.1:{coordinator_port}"),
    );
    (jvm, props.to_string())
}

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One Trino node started from files; stopped when dropped.
pub struct LocalTrino {
    dir: PathBuf,
    pub port: u16,
    java: PathBuf,
    cli: PathBuf,
}

impl LocalTrino {
    /// Starts a node in `dir` with these files (`catalogs`: name → text).
    pub fn start(
        dir: PathBuf,
        port: u16,
        jvm_config: &str,
        config_properties: &str,
        catalogs: &[(String, String)],
    ) -> LocalTrino {
        let (server, cli, java) = install();
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("etc/catalog")).unwrap();
        std::fs::create_dir_all(dir.join("data")).unwrap();
        let write =
            |name: &str, text: &str| std::fs::write(dir.join("etc").join(name), text).unwrap();
        write("jvm.config", jvm_config);
        write("config.properties", config_properties);
        write(
            "node.properties",
            &format!(
                "node.environment=production\nnode.id=kubectl-dp-chart-{port}\nnode.data-dir={}\nnode.internal-address=127.0.0.1\n",
                dir.join("data").display()
            ),
        );
        write("log.properties", "io.trino=WARN\n");
        for (name, text) in catalogs {
            write(&format!("catalog/{name}.properties"), text);
        }
        let status = Command::new(server.join("bin/launcher"))
            .arg("start")
            .arg(format!("--etc-dir={}", dir.join("etc").display()))
            .arg(format!("--data-dir={}", dir.join("data").display()))
            .arg(format!("--pid-file={}", dir.join("pid").display()))
            .arg(format!(
                "--launcher-log-file={}",
                dir.join("launcher.log").display()
            ))
            .arg(format!(
                "--server-log-file={}",
                dir.join("server.log").display()
            ))
            .env("JAVA_HOME", &java)
            .env(
                "PATH",
                format!(
                    "{}/bin:{}",
                    java.display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .status()
            .expect("run the Trino launcher");
        assert!(
            status.success(),
            "the Trino launcher failed: see {}",
            dir.display()
        );
        LocalTrino {
            dir,
            port,
            java,
            cli,
        }
    }

    /// The server log, for a failure message.
    pub fn log(&self) -> String {
        let read = |f: &str| std::fs::read_to_string(self.dir.join(f)).unwrap_or_default();
        let server = read("server.log");
        let tail: Vec<&str> = server.lines().rev().take(30).collect();
        format!(
            "launcher.log:\n{}\nserver.log (last lines):\n{}",
            read("launcher.log"),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        )
    }

    /// Whether the process is still running.
    pub fn alive(&self) -> bool {
        std::fs::read_to_string(self.dir.join("pid"))
            .ok()
            .and_then(|p| p.trim().parse::<u32>().ok())
            .is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists())
    }

    /// Runs `sql` with the Trino CLI; its output, or `None` when it failed.
    pub fn query(&self, sql: &str) -> Option<String> {
        let output = Command::new(self.java.join("bin/java"))
            .arg("-jar")
            .arg(&self.cli)
            .args(["--server", &format!("http://127.0.0.1:{}", self.port)])
            .args(["--user", "kubectl-dp-test", "--execute", sql])
            .output()
            .ok()?;
        output.status.success().then(|| {
            String::from_utf8_lossy(&output.stdout)
                .trim()
                .replace('"', "")
        })
    }
}

impl Drop for LocalTrino {
    fn drop(&mut self) {
        let pid = std::fs::read_to_string(self.dir.join("pid")).unwrap_or_default();
        if let Ok(pid) = pid.trim().parse::<i32>() {
            let _ = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
            for _ in 0..40 {
                if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(500));
            }
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
    }
}
