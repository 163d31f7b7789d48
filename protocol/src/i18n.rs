//! Every string a reader of an account reads, in English and French, and
//! how dates and counts are worded: the widget's words, which the edge's
//! server-rendered pages use too, so that both say the same. (The brand
//! console has its own texts, in the same [`Lang`], through [`Words`].)

use crate::ErrorDetail;

/// The language the widget speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

/// A fixed piece of interface text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text {
    Loading,
    Retry,
    LoadMore,
    Follow,
    Following,
    Follower,
    Followers,
    Reply,
    Replies,
    NoPosts,
    NoReplies,
    WriteReply,
    YourName,
    Send,
    NewPost,
    NewPosts,
    VerifiedBrand,
    Delete,
    Held,
    Customer,
    OfferForFollowers,
    Until,
    Claimed,
    FollowToGetCode,
    GetCode,
    YourCode,
    Copy,
    Copied,
    OfferEnded,
    OfferExhausted,
    Close,
    Search,
    SearchResults,
    NoResults,
    RepliedTo,
    NotifyPosts,
    /// "Tell me when {brand} answers", around the brand's name.
    TellMeWhen,
    Answers,
}

/// A fixed piece of interface text: the widget's [`Text`], or another
/// app's own, which [`Lang::t`] words.
pub trait Words: Copy {
    /// The text in English and in French.
    fn words(self) -> (&'static str, &'static str);
}

impl Lang {
    /// French for any tag starting with `fr` (`fr`, `fr-CA`, `FR`), English otherwise.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("fr")) { Lang::Fr } else { Lang::En }
    }

    /// The BCP 47 tag to put on the widget's root, for screen readers and hyphenation.
    pub fn tag(self) -> &'static str {
        self.pick("en", "fr")
    }

    /// `en` or `fr`, as the language is.
    pub fn pick(self, en: &'static str, fr: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Fr => fr,
        }
    }

    pub fn t(self, text: impl Words) -> &'static str {
        let (en, fr) = text.words();
        self.pick(en, fr)
    }

    /// The noun to put after a count: English is singular for 1 only, French for 0 and 1.
    pub fn counted(self, n: u64, one: Text, many: Text) -> &'static str {
        let singular = n == 1 || (self == Lang::Fr && n == 0);
        self.t(if singular { one } else { many })
    }

    /// Plain words for an API error, keyed by its stable code; the server's
    /// message for codes this widget does not know. `network` is the widget's
    /// own code for a request that got no answer.
    pub fn error(self, error: &ErrorDetail) -> String {
        let (en, fr) = match error.code.as_str() {
            "network" => (
                "Can’t reach the server. Check your connection.",
                "Impossible de joindre le serveur. Vérifiez votre connexion.",
            ),
            "text_empty" => ("Write something first.", "Écrivez d’abord quelque chose."),
            "text_too_long" => ("This reply is too long.", "Cette réponse est trop longue."),
            "text_invalid" => (
                "This text contains characters that are not allowed.",
                "Ce texte contient des caractères non autorisés.",
            ),
            "invalid_name" => ("A name is 1 to 40 characters.", "Un nom fait de 1 à 40 caractères."),
            "unauthorized" => (
                "Your session has expired. Enter your name again.",
                "Votre session a expiré. Saisissez à nouveau votre nom.",
            ),
            "sso_token_format" | "sso_token_claims" | "sso_token_used" => (
                "Your sign-in on this site has expired. Reload the page.",
                "Votre connexion sur ce site a expiré. Rechargez la page.",
            ),
            "account_not_found" => ("No such account.", "Ce compte n’existe pas."),
            "not_found" => ("Nothing here.", "Il n’y a rien ici."),
            "offer_ended" => ("This offer has ended.", "Cette offre est terminée."),
            "offer_exhausted" => ("Every code has been taken.", "Tous les codes ont été pris."),
            "rate_limited" => (
                "You are going a bit fast. Wait a moment, then try again.",
                "Vous allez un peu vite. Patientez un instant, puis réessayez.",
            ),
            "post_not_found" => ("No such post.", "Cette publication n’existe pas."),
            "sso_required" => (
                "Sign in on this site to reply here.",
                "Connectez-vous sur ce site pour répondre ici.",
            ),
            "turnstile_failed" | "turnstile_required" => (
                "The check that you are not a robot did not pass. Please try again.",
                "La vérification anti-robot n’a pas abouti. Réessayez.",
            ),
            "turnstile_unavailable" => (
                "The check that you are not a robot is unavailable. Try again later.",
                "La vérification anti-robot est indisponible. Réessayez plus tard.",
            ),
            "origin_not_allowed" => (
                "This site may not write to this account.",
                "Ce site n’est pas autorisé à écrire sur ce compte.",
            ),
            _ if !error.message.is_empty() => return error.message.clone(),
            _ => ("Something went wrong. Please try again.", "Une erreur est survenue. Réessayez."),
        };
        self.pick(en, fr).to_owned()
    }

    /// How long ago, shortly: `now`, `5m`, `3h`, `2d`, then the date (`25 Nov`,
    /// with the year once it is nearly a year old). `created_at` is the wire's
    /// RFC 3339 (`2026-11-25T17:46:52.123Z`); `age_secs` how old it is now.
    pub fn when(self, created_at: &str, age_secs: i64) -> String {
        const MINUTE: i64 = 60;
        const HOUR: i64 = 60 * MINUTE;
        const DAY: i64 = 24 * HOUR;
        const WEEK: i64 = 7 * DAY;
        let fr = self == Lang::Fr;
        match age_secs {
            ..MINUTE => self.pick("now", "à l’instant").to_owned(),
            MINUTE..HOUR => format!("{}{}", age_secs / MINUTE, if fr { " min" } else { "m" }),
            HOUR..DAY => format!("{}{}", age_secs / HOUR, if fr { " h" } else { "h" }),
            DAY..WEEK => format!("{}{}", age_secs / DAY, if fr { " j" } else { "d" }),
            _ => self.date(created_at, age_secs > 300 * DAY),
        }
    }

    /// `created_at`'s day (`25 Nov`, `25 nov. 2026` `with_year`), as written in UTC.
    pub fn date(self, created_at: &str, with_year: bool) -> String {
        const EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        const FR: [&str; 12] = [
            "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.",
        ];
        let field = |range: std::ops::Range<usize>| created_at.get(range).and_then(|s| s.parse::<usize>().ok());
        let (Some(year), Some(month @ 1..=12), Some(day)) = (field(0..4), field(5..7), field(8..10)) else {
            return String::new();
        };
        let month = match self {
            Lang::En => EN[month - 1],
            Lang::Fr => FR[month - 1],
        };
        if with_year { format!("{day} {month} {year}") } else { format!("{day} {month}") }
    }
}

impl Words for Text {
    fn words(self) -> (&'static str, &'static str) {
        use Text::*;
        match self {
            Loading => ("Loading…", "Chargement…"),
            Retry => ("Retry", "Réessayer"),
            LoadMore => ("Load more", "Voir plus"),
            Follow => ("Follow", "Suivre"),
            Following => ("Following", "Abonné"),
            Follower => ("follower", "abonné"),
            Followers => ("followers", "abonnés"),
            Reply => ("reply", "réponse"),
            Replies => ("replies", "réponses"),
            NoPosts => ("No posts yet.", "Aucune publication pour l’instant."),
            NoReplies => ("No replies yet.", "Pas encore de réponse."),
            WriteReply => ("Write a reply…", "Écrire une réponse…"),
            YourName => ("Your name", "Votre nom"),
            Send => ("Reply", "Répondre"),
            NewPost => ("new post", "nouvelle publication"),
            NewPosts => ("new posts", "nouvelles publications"),
            VerifiedBrand => ("Verified: the brand itself", "Vérifié : la marque elle-même"),
            Delete => ("Delete", "Supprimer"),
            Customer => ("customer", "client"),
            Close => ("Close", "Fermer"),
            Search => ("Search", "Rechercher"),
            SearchResults => ("Results", "Résultats"),
            NoResults => ("Nothing found.", "Aucun résultat."),
            RepliedTo => ("in reply to", "en réponse à"),
            NotifyPosts => ("Notify me of new posts", "M’avertir des nouveaux posts"),
            TellMeWhen => ("Tell me when", "M’avertir quand"),
            Answers => ("answers", "répond"),
            OfferForFollowers => ("Offer for followers", "Offre réservée aux abonnés"),
            Until => ("Until", "Jusqu’au"),
            Claimed => ("taken", "pris"),
            FollowToGetCode => ("Follow to get the code", "Suivre pour obtenir le code"),
            GetCode => ("Get the code", "Obtenir le code"),
            YourCode => ("Your code:", "Votre code :"),
            Copy => ("Copy", "Copier"),
            Copied => ("Copied", "Copié"),
            OfferEnded => ("This offer has ended.", "Cette offre est terminée."),
            OfferExhausted => ("Every code has been taken.", "Tous les codes ont été pris."),
            Held => (
                "Thank you! Your reply will appear once the team has read it.",
                "Merci ! Votre réponse apparaîtra dès que l’équipe l’aura lue.",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: &str, message: &str) -> ErrorDetail {
        ErrorDetail { code: code.into(), message: message.into() }
    }

    #[test]
    fn language_from_tag() {
        for fr in ["fr", "fr-FR", "fr-ca", "FR", "fr_BE"] {
            assert_eq!(Lang::from_tag(fr), Lang::Fr, "{fr}");
        }
        for en in ["", "en", "en-US", "de", "f", "ffr"] {
            assert_eq!(Lang::from_tag(en), Lang::En, "{en}");
        }
    }

    #[test]
    fn every_text_has_both_languages() {
        use Text::*;
        for text in [
            Loading, Retry, LoadMore, Follow, Following, Follower, Followers, Reply, Replies, NoPosts,
            NoReplies, WriteReply, YourName, Send, NewPost, NewPosts, VerifiedBrand, Delete, Held, Customer,
            OfferForFollowers, Until, Claimed, FollowToGetCode, GetCode, YourCode, Copy, Copied, OfferEnded, OfferExhausted, Close,
            Search, SearchResults, NoResults, RepliedTo, NotifyPosts, TellMeWhen, Answers,
        ] {
            assert!(!Lang::En.t(text).is_empty());
            assert!(!Lang::Fr.t(text).is_empty());
        }
        assert_eq!(Lang::Fr.t(Follow), "Suivre");
    }

    #[test]
    fn plurals() {
        assert_eq!(Lang::En.counted(0, Text::Reply, Text::Replies), "replies");
        assert_eq!(Lang::En.counted(1, Text::Reply, Text::Replies), "reply");
        assert_eq!(Lang::Fr.counted(0, Text::Reply, Text::Replies), "réponse");
        assert_eq!(Lang::Fr.counted(2, Text::Follower, Text::Followers), "abonnés");
    }

    #[test]
    fn errors_by_code_then_message() {
        assert_eq!(Lang::Fr.error(&err("text_too_long", "The text is too long.")), "Cette réponse est trop longue.");
        assert_eq!(Lang::En.error(&err("network", "")), "Can’t reach the server. Check your connection.");
        assert_eq!(Lang::Fr.error(&err("handle_taken", "This handle is already taken.")), "This handle is already taken.");
        assert_eq!(Lang::En.error(&err("internal", "")), "Something went wrong. Please try again.");
        assert_eq!(Lang::Fr.error(&err("sso_token_used", "")), "Votre connexion sur ce site a expiré. Rechargez la page.");
    }

    #[test]
    fn short_times() {
        let at = "2026-11-05T17:46:52.123Z";
        assert_eq!(Lang::En.when(at, -3), "now");
        assert_eq!(Lang::Fr.when(at, 59), "à l’instant");
        assert_eq!(Lang::En.when(at, 5 * 60 + 3), "5m");
        assert_eq!(Lang::Fr.when(at, 3 * 3600), "3 h");
        assert_eq!(Lang::En.when(at, 2 * 86400), "2d");
        assert_eq!(Lang::Fr.when(at, 6 * 86400), "6 j");
        assert_eq!(Lang::En.when(at, 8 * 86400), "5 Nov");
        assert_eq!(Lang::Fr.when(at, 8 * 86400), "5 nov.");
        assert_eq!(Lang::En.when(at, 400 * 86400), "5 Nov 2026");
        assert_eq!(Lang::En.when("garbage", 8 * 86400), "");
    }
}
