//! Running external commands, with errors that show the command that failed.

use crate::Result;
use std::process::{Command, ExitStatus, Stdio};

/// `program arg1 arg2 (in dir)`, for messages.
pub fn describe(cmd: &Command) -> String {
    let mut line = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    if let Some(dir) = cmd.get_current_dir() {
        line.push_str(&format!("  (in {})", dir.display()));
    }
    line
}

/// Runs a command with inherited stdio and fails unless it exits with success.
pub fn run(cmd: &mut Command) -> Result {
    let status = status(cmd)?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("command failed ({status}): {}", describe(cmd)))
    }
}

/// Runs a command with inherited stdio and returns how it exited.
pub fn status(cmd: &mut Command) -> Result<ExitStatus> {
    eprintln!("$ {}", describe(cmd));
    cmd.status()
        .map_err(|e| format!("cannot start `{}`: {e}", describe(cmd)))
}

/// Runs a command quietly and returns its stdout, or `None` if it cannot start
/// or fails: for probing whether a tool is there.
pub fn probe(cmd: &mut Command) -> Option<String> {
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs a command quietly and returns its stdout as bytes; fails loudly.
pub fn capture(cmd: &mut Command) -> Result<Vec<u8>> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start `{}`: {e}", describe(cmd)))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "command failed ({}): {}\n{stderr}",
            out.status,
            describe(cmd)
        ));
    }
    Ok(out.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_names_the_command() {
        let err = run(Command::new("sh").args(["-c", "exit 3"])).unwrap_err();
        assert!(err.contains("sh -c exit 3") && err.contains('3'), "{err}");
        let err = run(&mut Command::new("/nonexistent/tool")).unwrap_err();
        assert!(err.contains("cannot start `/nonexistent/tool`"), "{err}");
        assert_eq!(
            probe(Command::new("sh").args(["-c", "echo hi"])).as_deref(),
            Some("hi\n")
        );
    }
}
