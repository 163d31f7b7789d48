//! The permission matrix, against the real Worker: every role tries every
//! write route, on things made fresh for it, and gets exactly the answer its
//! role deserves: done (the route's success status), 401 `unauthorized` (no
//! token, or a revoked one) or 403 `forbidden` (a valid token of the wrong
//! role, or of another account). Roles: nobody, a visitor, the author of the reply at stake, the
//! account's brand token, another account's brand token, a revoked brand
//! token, and the operator (who may act as any account's brand).

use gazouillis_protocol::{IssuedToken, Pending, Session};
use gazouillis_tests::{Edge, Method, Suite};
use serde_json::{Value, json};
use std::sync::Arc;

const SHOP: &str = "shop";
/// A reply with this word waits in the queue (the shop's blocked word).
const HELD: &str = "parked";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Nobody,
    Visitor,
    /// The visitor who wrote the reply at stake.
    Author,
    Brand,
    OtherBrand,
    RevokedBrand,
    Operator,
}

/// The operator last: its account creation takes the handle for good.
const ROLES: [Role; 7] =
    [Role::Nobody, Role::Visitor, Role::Author, Role::Brand, Role::OtherBrand, Role::RevokedBrand, Role::Operator];

/// Who may use a route, besides the operator, who may do everything but a
/// visitor's own acts.
#[derive(Clone, Copy)]
enum Allowed {
    OperatorOnly,
    /// The account's brand (and the operator).
    Brand,
    /// Any visitor, or the brand.
    VisitorOrBrand,
    /// The reply's author, or the brand.
    AuthorOrBrand,
    /// Visitors only: their own follows and data.
    VisitorOnly,
}

struct Route {
    method: Method,
    /// `{post}`, `{reply}` and `{queued}`: made fresh for each try.
    path: &'static str,
    body: Option<Value>,
    allowed: Allowed,
    success: u16,
}

fn routes() -> Vec<Route> {
    use Allowed::*;
    let route = |method, path, body, allowed, success| Route { method, path, body, allowed, success };
    let hidden = Some(json!({"hidden": true}));
    vec![
        route(Method::POST, "/v1/accounts", Some(json!({"handle": "newcomer", "name": "New"})), OperatorOnly, 201),
        route(Method::POST, "/v1/accounts/shop/tokens", Some(json!({"name": "CM"})), OperatorOnly, 201),
        route(Method::PUT, "/v1/accounts/shop/sso", Some(json!({"secret": "a-long-enough-sso-secret"})), OperatorOnly, 204),
        route(Method::POST, "/v1/accounts/shop/posts", Some(json!({"text": "A new post"})), Brand, 201),
        route(Method::DELETE, "/v1/posts/{post}", None, Brand, 204),
        route(Method::PUT, "/v1/posts/{post}/hidden", hidden.clone(), Brand, 200),
        route(Method::PUT, "/v1/replies/{reply}/hidden", hidden, Brand, 200),
        route(Method::PUT, "/v1/accounts/shop/settings", Some(json!({"blocked_words": [HELD]})), Brand, 200),
        route(Method::POST, "/v1/accounts/shop/queue/{queued}/approve", None, Brand, 201),
        route(Method::DELETE, "/v1/accounts/shop/queue/{queued}", None, Brand, 204),
        route(Method::POST, "/v1/posts/{post}/replies", Some(json!({"text": "Me too"})), VisitorOrBrand, 201),
        route(Method::DELETE, "/v1/replies/{reply}", None, AuthorOrBrand, 204),
        route(Method::PUT, "/v1/accounts/shop/follow", None, VisitorOnly, 200),
        route(Method::DELETE, "/v1/accounts/shop/follow", None, VisitorOnly, 200),
        route(Method::DELETE, "/v1/me", None, VisitorOnly, 200),
    ]
}

fn allows(route: &Route, role: Role) -> bool {
    use Role::*;
    match route.allowed {
        Allowed::OperatorOnly => role == Operator,
        Allowed::Brand => matches!(role, Brand | Operator),
        Allowed::VisitorOrBrand => matches!(role, Visitor | Author | Brand | Operator),
        Allowed::AuthorOrBrand => matches!(role, Author | Brand | Operator),
        Allowed::VisitorOnly => matches!(role, Visitor | Author),
    }
}

/// The status, and error code, `role` must get on `route`.
fn expected(route: &Route, role: Role) -> (u16, Option<&'static str>) {
    match role {
        _ if allows(route, role) => (route.success, None),
        Role::Nobody | Role::RevokedBrand => (401, Some("unauthorized")),
        _ => (403, Some("forbidden")),
    }
}

struct Tokens {
    visitor: Session,
    brand: String,
    other_brand: String,
    revoked: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permissions() {
    let mut suite = Suite::new("permissions", Edge::start().await);
    suite.step("each role on each write route gets what its role deserves", matrix).await;
    suite.finish(|edge| edge.dump_log()).await;
}

async fn issue(e: &Edge, handle: &str) -> IssuedToken {
    e.admin(e.post(&format!("/v1/accounts/{handle}/tokens"))).json(&json!({"name": "CM"})).send().await.expect_json(201)
}

async fn matrix(e: Arc<Edge>) {
    e.create_account(SHOP, "Shop", "").await;
    e.create_account("rival", "Rival", "").await;
    e.admin(e.put("/v1/accounts/shop/settings")).json(&json!({"blocked_words": [HELD]})).send().await.expect(200);
    let revoked = issue(&e, SHOP).await;
    e.admin(e.delete(&format!("/v1/accounts/shop/tokens/{}", revoked.id))).send().await.expect(204);
    let tokens = Tokens {
        visitor: e.new_session("Visitor").await,
        brand: issue(&e, SHOP).await.token,
        other_brand: issue(&e, "rival").await.token,
        revoked: revoked.token,
    };
    let mut wrong = Vec::new();
    let mut tried = 0;
    for route in routes() {
        for role in ROLES {
            // Fresh things to act on: a post, a reply by its author, a queued reply.
            let post = e.create_post(SHOP, "Something to act on").await;
            let author = e.new_session("Author").await;
            let reply = e.reply(&author.token, &post.id, "My reply").await;
            let queued: Pending = e
                .post(&format!("/v1/posts/{}/replies", post.id))
                .bearer(&author.token)
                .json(&json!({"text": format!("This one is {HELD}")}))
                .send()
                .await
                .expect_json(202);
            let path = route.path.replace("{post}", &post.id).replace("{reply}", &reply.id).replace("{queued}", &queued.id);
            let token = match role {
                Role::Nobody => None,
                Role::Visitor => Some(tokens.visitor.token.as_str()),
                Role::Author => Some(author.token.as_str()),
                Role::Brand => Some(tokens.brand.as_str()),
                Role::OtherBrand => Some(tokens.other_brand.as_str()),
                Role::RevokedBrand => Some(tokens.revoked.as_str()),
                Role::Operator => Some(e.admin_token()),
            };
            let mut req = e.req(route.method.clone(), &path);
            if let Some(token) = token {
                req = req.bearer(token);
            }
            if let Some(body) = &route.body {
                req = req.json(body);
            }
            let answer = req.send().await;
            tried += 1;
            let code = serde_json::from_slice::<Value>(&answer.body).ok().and_then(|v| v["error"]["code"].as_str().map(str::to_owned));
            let want = expected(&route, role);
            if (answer.status, code.as_deref()) != want {
                wrong.push(format!("{role:?} {} {path}: {} {} (expected {want:?})", route.method, answer.status, answer.text()));
            }
        }
    }
    assert!(wrong.is_empty(), "{} of {tried} answers not as the role deserves:\n{}", wrong.len(), wrong.join("\n"));
}
