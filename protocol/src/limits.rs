//! Every limit of the product, in one place.

use crate::rate::RateLimit;

/// Default maximum characters in a post or a reply (the `MAX_CHARS` wrangler var overrides it).
pub const DEFAULT_MAX_CHARS: usize = 140;
/// Most combining marks in a row on one character: Vietnamese needs two,
/// Hebrew with its cantillation four; "Zalgo" text piles hundreds, which
/// count as one character and draw over what is around.
pub const MAX_MARKS_PER_CHAR: usize = 8;
/// Most bytes a text holds per character it may count: room for every
/// emoji sequence (the longest, a kiss with two skin tones, is 35 bytes) and
/// accents, not for a few characters stretched to kilobytes (emoji joined
/// by zero-width joiners count as one, however many).
pub const MAX_BYTES_PER_CHAR: usize = 40;
/// Largest request body the edge reads, in bytes.
pub const MAX_BODY_BYTES: usize = 8 * 1024;
/// Longest account handle, in bytes (handles are ASCII).
pub const MAX_HANDLE_LEN: usize = 30;
/// Longest display name (account or visitor), in characters.
pub const MAX_NAME_CHARS: usize = 40;
/// Longest account bio, in characters.
pub const MAX_BIO_CHARS: usize = 280;
/// Items per stored page view, and the largest `limit` a list call accepts.
pub const PAGE_SIZE: usize = 50;
/// Replies an account's moderation queue holds at most (the `MAX_QUEUED`
/// wrangler var overrides it): past it, a reply that would wait is refused
/// (`queue_full`), so that the queue stays a bounded list to page through.
pub const MAX_QUEUED: u64 = 500;
/// `limit` when a list call gives none.
pub const DEFAULT_LIMIT: usize = 20;
/// Seconds between two polls of an open widget.
pub const POLL_SECONDS: u32 = 10;
/// How long the widget uses a server-rendered first view instead of
/// fetching it; what changed since reaches it through the live push's hello.
pub const FIRST_VIEW_FRESH_MS: u64 = 5 * 60 * 1000;
/// How long a visitor session token stays valid, in seconds (one year).
pub const SESSION_TTL_SECONDS: u64 = 365 * 24 * 3600;
/// Seconds between two pings of an open live connection; one left unanswered
/// for that long means the connection is dead.
pub const LIVE_PING_SECONDS: u32 = 25;
/// Longest wait between two attempts to reconnect the live push, in milliseconds.
pub const LIVE_RETRY_MAX_MS: u32 = 30_000;
/// Replies one visitor may write to one account (wrangler var `RATE_REPLIES`).
pub const RATE_REPLIES: RateLimit = RateLimit { max: 5, window_ms: 60_000 };
/// Replies one client address may write to one account (`RATE_REPLIES_IP`).
pub const RATE_REPLIES_IP: RateLimit = RateLimit { max: 20, window_ms: 60_000 };
/// Follows and unfollows of one visitor to one account (`RATE_FOLLOWS`): each
/// costs a hub write, a push to every open widget and KV writes.
pub const RATE_FOLLOWS: RateLimit = RateLimit { max: 10, window_ms: 3_600_000 };
/// Follows and unfollows from one client address to one account (`RATE_FOLLOWS_IP`).
pub const RATE_FOLLOWS_IP: RateLimit = RateLimit { max: 30, window_ms: 3_600_000 };
/// Offer claims of one visitor on one account (`RATE_CLAIMS`).
pub const RATE_CLAIMS: RateLimit = RateLimit { max: 10, window_ms: 3_600_000 };
/// Offer claims from one client address on one account (`RATE_CLAIMS_IP`), so
/// that sessions made by the dozen on one network cannot empty an offer.
pub const RATE_CLAIMS_IP: RateLimit = RateLimit { max: 10, window_ms: 3_600_000 };
/// Live connections one client address may hold to one account
/// (`LIVE_PER_ADDRESS`; an IPv6 /48 may hold `rate::NETWORK_FACTOR` times as many).
pub const LIVE_PER_ADDRESS: u32 = 50;
/// Visitor sessions one client address may create (`RATE_SESSIONS_IP`).
pub const RATE_SESSIONS_IP: RateLimit = RateLimit { max: 20, window_ms: 3_600_000 };
/// Most blocked words an account may list, and longest one, in characters.
pub const MAX_BLOCKED_WORDS: usize = 200;
pub const MAX_BLOCKED_WORD_CHARS: usize = 50;
/// Fewest characters in an account's SSO secret.
pub const MIN_SSO_SECRET_CHARS: usize = 16;
/// Longest an SSO token may live, in seconds: its `exp` is at most this
/// after its `iat` and after now, so a token leaked from a page is soon dead.
pub const SSO_TOKEN_MAX_SECONDS: u64 = 10 * 60;
/// How far a site's clock may run ahead of the edge's, in seconds (an SSO
/// token's `iat` may be this far in the future).
pub const SSO_CLOCK_SKEW_SECONDS: u64 = 60;
/// Longest `jti` (an SSO token's id) the hub remembers, in bytes.
pub const MAX_SSO_JTI_BYTES: usize = 128;
/// How long a session made from an SSO token stays valid, in seconds (one
/// day): the customer's site signs a new token on each page, which the
/// widget exchanges for a new session, so a shorter life costs them nothing.
pub const SSO_SESSION_TTL_SECONDS: u64 = 24 * 3600;
/// Most sites an account may allow to write through its widget.
pub const MAX_ORIGINS: usize = 50;
