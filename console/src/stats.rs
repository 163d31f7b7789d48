//! Statistics over 7, 30 or 90 days, counted by the hub as writes happen:
//! followers, posts and replies per day, time to the brand's first answer,
//! the share of replies answered, the posts with the most replies, and how
//! many followers get notifications of new posts (Web Push). Each
//! chart is SVG for the eye, with its numbers in a table beside it (the
//! table is what screen readers read; the drawing is hidden from them).

use crate::api::account_path;
use crate::console::Console;
use crate::i18n::{Lang, Phrases, Text};
use crate::ui::{failed, watched};
use gazouillis_protocol::stats::{Day, PERIODS, Stats};
use leptos::prelude::*;

/// The drawing's size in its own units (it scales to the page's width).
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 160.0;

#[component]
pub fn StatsPage(console: Console) -> impl IntoView {
    let t = move |text| console.t(text);
    let days = RwSignal::new(PERIODS[0]);
    let stats = watched::<Stats>(console, move || account_path(console, &format!("/stats?days={}", days.get())));
    view! {
        <div class="filters" role="group" aria-label=move || t(Text::Period)>
            {PERIODS.map(|n| view! {
                <button class="period" data-days=n aria-pressed=move || (days.get() == n).to_string() on:click=move |_| days.set(n)>
                    {move || console.lang.get().days(n)}
                </button>
            }).collect_view()}
        </div>
        {move || stats.get().map(|stats| match stats {
            Ok(stats) => view! { <Report console stats/> }.into_any(),
            Err(e) => failed(console, &e),
        })}
    }
}

#[component]
fn Report(console: Console, stats: Stats) -> impl IntoView {
    let lang = console.lang.get_untracked();
    let t = move |text| lang.t(text);
    let column = |f: fn(&Day) -> u64| stats.days.iter().map(f).collect::<Vec<u64>>();
    let days: Vec<String> = stats.days.iter().map(|d| d.day.clone()).collect();
    let first = &stats.first_answer;
    let share = (first.replies > 0).then(|| first.answered * 100 / first.replies);
    let duration = |ms: Option<u64>| ms.map_or_else(|| "–".to_owned(), |ms| lang.duration(ms));
    view! {
        <section class="summary" aria-labelledby="summary-title">
            <h2 id="summary-title">{t(Text::FirstAnswer)}</h2>
            <dl>
                <div><dt>{t(Text::Median)}</dt><dd class="median">{duration(first.median_ms)}</dd></div>
                <div><dt>{t(Text::Percentile90)}</dt><dd class="p90">{duration(first.p90_ms)}</dd></div>
                <div><dt>{t(Text::ShareAnswered)}</dt>
                    <dd class="share">{share.map_or_else(|| "–".to_owned(), |s| format!("{s} %"))}
                        " (" <span class="answered-count">{first.answered}</span>" / "<span class="reply-total">{first.replies}</span>")"</dd></div>
                <div><dt>{t(Text::Notified)}</dt><dd class="notified">{stats.notified}</dd></div>
            </dl>
        </section>
        {chart(lang, "followers", Text::FollowersPerDay, &days, vec![(Text::Followers, column(|d| d.followers))])}
        {chart(lang, "activity", Text::PostsRepliesPerDay, &days, vec![(Text::Posts, column(|d| d.posts)), (Text::Replies, column(|d| d.replies))])}
        <section class="top-posts" aria-labelledby="top-title">
            <h2 id="top-title">{t(Text::TopPosts)}</h2>
            <table>
                <thead><tr><th scope="col">{t(Text::Post)}</th><th scope="col">{t(Text::Replies)}</th></tr></thead>
                <tbody>
                    {stats.top_posts.into_iter().map(|top| view! {
                        <tr data-id=top.post.id><td class="text">{top.post.text}</td><td class="num">{top.replies}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// A bar chart of one or more series over `days` (or hours), then the same numbers as a table.
pub fn chart(lang: Lang, class: &'static str, title: Text, days: &[String], series: Vec<(Text, Vec<u64>)>) -> impl IntoView + use<> {
    let top = series.iter().flat_map(|(_, values)| values.iter().copied()).max().unwrap_or(0).max(1) as f64;
    let slot = WIDTH / days.len().max(1) as f64;
    let bar = slot * 0.8 / series.len() as f64;
    let bars = series.iter().enumerate().flat_map(|(s, (_, values))| {
        values.iter().enumerate().map(move |(d, &value)| {
            let height = value as f64 / top * (HEIGHT - 4.0);
            let x = d as f64 * slot + slot * 0.1 + s as f64 * bar;
            view! { <rect class=format!("series-{s}") x=x y=HEIGHT - height width=bar height=height/> }
        })
    }).collect_view();
    let title_id = format!("{class}-title");
    let labelled_by = title_id.clone();
    view! {
        <section class=format!("chart {class}") aria-labelledby=labelled_by>
            <h2 id=title_id>{lang.t(title)}</h2>
            <div class="legend" aria-hidden="true">
                {series.iter().enumerate().map(|(s, (name, _))| view! { <span class=format!("key series-{s}")>{lang.t(*name)}</span> }).collect_view()}
            </div>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none" aria-hidden="true" focusable="false">{bars}</svg>
            <div class="table-scroll" tabindex="0" role="region" aria-label=lang.t(title)>
                <table>
                    <thead><tr><th scope="col">{lang.t(Text::Day)}</th>
                        {series.iter().map(|(name, _)| view! { <th scope="col">{lang.t(*name)}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {days.iter().enumerate().map(|(d, day)| view! {
                            <tr><th scope="row">{day.clone()}</th>
                                {series.iter().map(|(_, values)| view! { <td class="num">{values[d]}</td> }).collect_view()}</tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
