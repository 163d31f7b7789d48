//! Child processes that are always cleaned up: each one leads its own process
//! group, and dropping the guard ends the whole group (wrangler's workerd, or
//! chromedriver's Chromium, included), also while a test panics.

use std::fs::File;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// How long a group gets to exit after `SIGTERM` before it is sent `SIGKILL`.
const GRACE: Duration = Duration::from_secs(5);

/// A running child that leads its own process group, with its output in a log file.
pub struct ProcessGroup {
    name: String,
    child: Child,
    pgid: libc::pid_t,
    log: PathBuf,
    stopped: bool,
}

impl ProcessGroup {
    /// Spawns `cmd` as the leader of a new process group, stdin closed, stdout
    /// and stderr appended to `log`.
    ///
    /// The child also gets `SIGTERM` if this process dies without running its
    /// destructors (a test binary killed with `SIGKILL` or Ctrl-C): wrangler and
    /// chromedriver then end their own children.
    pub fn spawn(name: &str, mut cmd: Command, log: &Path) -> io::Result<ProcessGroup> {
        let out = File::options().create(true).append(true).open(log)?;
        let err = out.try_clone()?;
        cmd.stdin(Stdio::null()).stdout(out).stderr(err).process_group(0);
        // SAFETY: prctl is async-signal-safe; the closure allocates nothing.
        unsafe {
            cmd.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn()?;
        let pgid = libc::pid_t::try_from(child.id()).map_err(io::Error::other)?;
        Ok(ProcessGroup { name: name.to_owned(), child, pgid, log: log.to_owned(), stopped: false })
    }

    /// The exit status of the group leader, if it has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The last `max` bytes of the process's output, for failure messages.
    pub fn log_tail(&self, max: usize) -> String {
        log_tail(&self.log, max)
    }

    /// The log file of this process.
    /// CPU time (user and system, in milliseconds) spent so far by the
    /// group's processes named `name` (their `comm`), as `/proc` counts it.
    pub fn cpu_ms(&self, name: &str) -> f64 {
        // SAFETY: sysconf has no preconditions.
        let ticks_per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
        let Ok(entries) = std::fs::read_dir("/proc") else { return 0.0 };
        let mut ticks = 0u64;
        for entry in entries.flatten() {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
            // `pid (comm) state ppid pgrp …`: the comm may hold spaces, so split after its `)`.
            let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else { continue };
            let fields: Vec<&str> = stat[close + 2..].split(' ').collect();
            let in_group = fields.get(2).and_then(|pgrp| pgrp.parse::<libc::pid_t>().ok()) == Some(self.pgid);
            if in_group && &stat[open + 1..close] == name {
                ticks += [11, 12].iter().filter_map(|&i| fields.get(i)?.parse::<u64>().ok()).sum::<u64>();
            }
        }
        ticks as f64 * 1000.0 / ticks_per_second
    }

    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// Ends every process of the group: `SIGTERM`, then `SIGKILL` after a
    /// grace period, and returns once none is left. Idempotent.
    pub fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let started = Instant::now();
        self.signal(libc::SIGTERM);
        if !self.wait_group_gone(GRACE) {
            eprintln!("[harness] {} did not exit within {GRACE:?} of SIGTERM; sending SIGKILL", self.name);
            self.signal(libc::SIGKILL);
            if !self.wait_group_gone(GRACE) {
                eprintln!("[harness] WARNING: process group {} ({}) still alive after SIGKILL", self.pgid, self.name);
            }
        }
        let _ = self.child.wait();
        eprintln!("[harness] stopped {} in {:.2?}", self.name, started.elapsed());
    }

    fn signal(&self, sig: libc::c_int) {
        // SAFETY: plain syscall; a negative pid addresses the whole group we created.
        unsafe {
            libc::kill(-self.pgid, sig);
        }
    }

    /// Waits until no process of the group exists (reaping the leader, whose
    /// zombie would otherwise keep the group alive).
    fn wait_group_gone(&mut self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        loop {
            let _ = self.child.try_wait();
            // SAFETY: signal 0 only checks for existence.
            let alive = unsafe { libc::kill(-self.pgid, 0) } == 0;
            if !alive {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The last `max` bytes of a text file (lossy), or a note that it cannot be read.
pub fn log_tail(path: &Path, max: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let start = bytes.len().saturating_sub(max);
            String::from_utf8_lossy(&bytes[start..]).into_owned()
        }
        Err(e) => format!("<cannot read {}: {e}>", path.display()),
    }
}
