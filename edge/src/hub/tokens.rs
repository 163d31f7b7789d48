//! The account's secrets: brand tokens (kept as the digest of their secret,
//! shown once when issued) and the SSO secret the company's site signs its
//! customers' tokens with.

use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use crate::random;
use crate::crypto;
use gazouillis_protocol::store::tokens;
use gazouillis_protocol::token::{same, SsoClaims};
use gazouillis_protocol::{BrandToken, ErrorCode, IssuedToken, TokenInfo};
use serde::{Deserialize, Serialize};
use worker::Date;

/// The operator's commands on the account's brand tokens and SSO secret.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum TokenCommand {
    /// A new brand token: [`IssuedToken`].
    Issue { name: String },
    /// The tokens: [`TokenInfo`]s.
    List,
    Revoke { id: String },
    SetSsoSecret { secret: String },
    /// The claims of a customer's SSO token (a JWT) signed with the
    /// account's secret, for this account, used for the first time; or
    /// `unauthorized`, `sso_token_format`, `sso_token_claims`,
    /// `sso_token_used`: an [`SsoCustomer`].
    VerifySso { sso: String },
    /// Whether a session made from an SSO token in `epoch` still holds
    /// (no new SSO secret since), or `unauthorized`.
    CheckSsoEpoch { epoch: u64 },
}

/// A customer the account's SSO vouched for, in the epoch of its secret.
#[derive(Debug, Serialize, Deserialize)]
pub struct SsoCustomer {
    pub claims: SsoClaims,
    pub epoch: u64,
}

impl Apply for TokenCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            TokenCommand::Issue { name } => hub.issue_token(name).await.into(),
            TokenCommand::List => hub.list_tokens().into(),
            TokenCommand::Revoke { id } => hub.revoke_token(&id).into(),
            TokenCommand::SetSsoSecret { secret } => hub.set_sso_secret(&secret).into(),
            TokenCommand::VerifySso { sso } => hub.verify_sso(&sso).await.into(),
            TokenCommand::CheckSsoEpoch { epoch } => hub.check_sso_epoch(epoch).into(),
        }
    }
}

impl AccountHub {
    /// A brand token of this account, not revoked, or 401.
    pub(super) async fn check_brand_token(&self, token: &str) -> ApiResult<()> {
        let token: BrandToken = token.parse().map_err(|()| ErrorCode::Unauthorized)?;
        match tokens::digest(&self.db, &token.id)? {
            Some(stored) if same(&stored, &crypto::digest(&token.secret).await?) => Ok(()),
            _ => Err(ErrorCode::Unauthorized.into()),
        }
    }

    async fn issue_token(&self, name: String) -> ApiResult<IssuedToken> {
        let handle = self.db.account()?.handle;
        let hex = random::hex(20)?;
        let (id, secret) = hex.split_at(8);
        let token = BrandToken { handle, id: id.to_owned(), secret: secret.to_owned() };
        tokens::add(&self.db, id, &name, &crypto::digest(secret).await?)?;
        Ok(IssuedToken { id: id.to_owned(), name, token: token.to_string() })
    }

    fn list_tokens(&self) -> ApiResult<Vec<TokenInfo>> {
        self.db.account()?;
        Ok(tokens::all(&self.db)?)
    }

    fn revoke_token(&self, id: &str) -> ApiResult<()> {
        self.db.account()?;
        if !tokens::revoke(&self.db, id)? {
            return Err(ErrorCode::NotFound.into());
        }
        Ok(())
    }

    fn set_sso_secret(&self, secret: &str) -> ApiResult<()> {
        self.db.account()?;
        tokens::set_sso_secret(&self.db, secret)?;
        Ok(())
    }

    /// Spends the token's `jti` once its signature and claims are checked,
    /// so that a token replayed (a page's source, a log) is refused.
    async fn verify_sso(&self, sso: &str) -> ApiResult<SsoCustomer> {
        let secret = tokens::sso_secret(&self.db)?.ok_or(ErrorCode::AccountNotFound)?;
        let secret = secret.ok_or(ErrorCode::Unauthorized)?;
        let handle = self.db.account()?.handle;
        let now = Date::now().as_millis() / 1000;
        let claims = crypto::verify_sso(sso, secret.as_bytes(), &handle, now).await?;
        if !tokens::spend_sso_jti(&self.db, &claims.jti, claims.exp, now)? {
            return Err(ErrorCode::SsoTokenUsed.into());
        }
        Ok(SsoCustomer { claims, epoch: tokens::sso_epoch(&self.db)?.unwrap_or_default() })
    }

    fn check_sso_epoch(&self, epoch: u64) -> ApiResult<()> {
        match tokens::sso_epoch(&self.db)? {
            Some(current) if current == epoch => Ok(()),
            _ => Err(ErrorCode::Unauthorized.into()),
        }
    }
}
