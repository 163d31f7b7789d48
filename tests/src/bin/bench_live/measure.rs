//! What `bench_live` measures: when each event arrived after its post, a
//! run's percentiles, and the final table's rows.

use gazouillis_tests::{median, percentiles};
use std::time::Instant;

/// One post as the benchmark made it.
pub(crate) struct Sent {
    pub(crate) id: String,
    /// When its request left.
    pub(crate) sent: Instant,
    /// When its 201 answer had arrived.
    pub(crate) answered: Instant,
}

/// When one event arrived, in ms after its POST's answer (negative when it
/// came first: the hub pushes before the answer leaves the edge) and after
/// its POST's request left.
pub(crate) struct Timing {
    pub(crate) from_answer: f64,
    pub(crate) from_sent: f64,
}

impl Timing {
    pub(crate) fn at(arrived: Instant, post: &Sent) -> Timing {
        let ms = |since: Instant| match arrived.checked_duration_since(since) {
            Some(after) => after.as_secs_f64() * 1000.0,
            None => -(since.duration_since(arrived).as_secs_f64() * 1000.0),
        };
        Timing { from_answer: ms(post.answered), from_sent: ms(post.sent) }
    }
}

/// Events measured, and the events that never came.
#[derive(Default)]
pub(crate) struct Sample {
    pub(crate) timings: Vec<Timing>,
    pub(crate) missed: usize,
}

/// One run of one path, in ms: p50, p95, max after the POST's answer (the
/// latency asked for, clamped at 0) and after the POST's request left;
/// `None` when nothing arrived.
#[derive(Clone, Copy)]
pub(crate) struct Summary {
    from_answer: Option<[f64; 3]>,
    from_sent: Option<[f64; 3]>,
    /// Events that arrived before the POST's answer.
    early: usize,
    count: usize,
    missed: usize,
}

impl Sample {
    pub(crate) fn summary(&self) -> Summary {
        Summary {
            // An event that arrives before the POST's answer counts as 0 ms:
            // clamped, never negative.
            from_answer: percentiles(self.timings.iter().map(|t| t.from_answer)),
            // In the widget, `Date.now()` is truncated to the ms, so a DOM
            // change can read up to 1 ms before the request left: clamped too.
            from_sent: percentiles(self.timings.iter().map(|t| t.from_sent)),
            early: self.timings.iter().filter(|t| t.from_answer < 0.0).count(),
            count: self.timings.len(),
            missed: self.missed,
        }
    }
}

/// `p50 / p95 / max` of one set of latencies, or a dash.
fn triple(ms: Option<[f64; 3]>) -> String {
    ms.map_or("–".to_owned(), |[p50, p95, max]| format!("{p50:.1} / {p95:.1} / {max:.1}"))
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "p50 / p95 / max {} ms after the POST's answer ({} of {} events came before it), \
             {} ms after the POST left; missed {}",
            triple(self.from_answer),
            self.early,
            self.count,
            triple(self.from_sent),
            self.missed
        )
    }
}

/// A line of the final table: one path, its runs, or why it has none.
pub(crate) struct Row {
    path: &'static str,
    clients: String,
    posts: usize,
    pub(crate) runs: Vec<Summary>,
    note: String,
}

pub(crate) const TABLE_HEAD: &str = "| path | clients | posts | runs | p50 ms | p95 ms | max ms | before answer | \
    from send p50 / p95 / max ms | missed | notes |\n|---|---|---|---|---|---|---|---|---|---|---|";

impl Row {
    pub(crate) fn new(path: &'static str, clients: impl ToString, posts: usize) -> Row {
        Row { path, clients: clients.to_string(), posts, runs: Vec::new(), note: String::new() }
    }

    pub(crate) fn note(&mut self, note: impl AsRef<str>) {
        if !self.note.is_empty() {
            self.note.push_str("; ");
        }
        self.note.push_str(note.as_ref());
    }

    pub(crate) fn missed(&self) -> usize {
        self.runs.iter().map(|s| s.missed).sum()
    }

    /// Over the runs: the median of the p50s and of the p95s, the largest max.
    fn over_runs(&self, pick: fn(&Summary) -> Option<[f64; 3]>) -> Option<[f64; 3]> {
        let runs: Vec<[f64; 3]> = self.runs.iter().filter_map(pick).collect();
        let nth = |i: usize| runs.iter().map(move |r| r[i]);
        Some([median(nth(0).collect())?, median(nth(1).collect())?, nth(2).fold(0.0, f64::max)])
    }

    /// One line of [`TABLE_HEAD`].
    pub(crate) fn markdown(&self) -> String {
        let [p50, p95, max] = match self.over_runs(|s| s.from_answer) {
            Some(ms) => ms.map(|v| format!("{v:.1}")),
            None => ["–".to_owned(), "–".to_owned(), "–".to_owned()],
        };
        let (early, count) = self.runs.iter().fold((0, 0), |(e, c), s| (e + s.early, c + s.count));
        let (early, missed) = if self.runs.is_empty() {
            ("–".to_owned(), "–".to_owned())
        } else {
            (format!("{early}/{count}"), self.missed().to_string())
        };
        format!(
            "| {} | {} | {} | {} | {p50} | {p95} | {max} | {early} | {} | {missed} | {} |",
            self.path,
            self.clients,
            self.posts,
            self.runs.len(),
            triple(self.over_runs(|s| s.from_sent)),
            self.note
        )
    }
}
