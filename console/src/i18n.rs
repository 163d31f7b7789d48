//! Every string the console shows, in English and French, and how it words
//! counts, durations and the API's errors. Pure but for [`local_time`], so it
//! is tested natively.

use crate::api::ApiError;
use gazouillis_protocol::i18n;
pub use gazouillis_protocol::i18n::{Lang, Words};

/// A fixed piece of interface text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text {
    ConsoleTitle,
    SignIn,
    SignInHelp,
    SignOut,
    Token,
    TokenMissing,
    TokenRefused,
    Unreachable,
    PickAccount,
    NoAccounts,
    FindAccount,
    NoAccountMatches,
    CreateAccount,
    Handle,
    Name,
    Create,
    SwitchAccount,
    Sections,
    Unread,
    Compose,
    Inbox,
    Listening,
    SearchLabel,
    Search,
    SearchHelp,
    NoResults,
    KindPost,
    KindReply,
    KindQueued,
    HiddenMark,
    Watched,
    WatchedLabel,
    WatchedHelp,
    WatchedInvalid,
    Mentions,
    NoMentions,
    RepliesPerHour,
    Buzz,
    NoBuzz,
    Posts,
    Moderation,
    Settings,
    Stats,
    WhatsNew,
    Characters,
    Post,
    Posted,
    Preview,
    Show,
    ToAnswer,
    Answered,
    All,
    InboxEmpty,
    OnPost,
    Customer,
    AnsweredMark,
    Answer,
    AnswerAsBrand,
    Send,
    Hide,
    LoadMore,
    NoPosts,
    HiddenPosts,
    NothingHidden,
    ShowAgain,
    Delete,
    ConfirmDelete,
    Waiting,
    QueueEmpty,
    HiddenReplies,
    ReasonPremoderated,
    ReasonBlockedWord,
    ReasonLink,
    Approve,
    Reject,
    Replies,
    Premoderate,
    QueueLinks,
    SsoRequired,
    BlockedWords,
    BlockedWordsHelp,
    BlockedWordsInvalid,
    AllowedSites,
    AllowedSitesHelp,
    AllowedSitesInvalid,
    Save,
    Saved,
    SsoSecret,
    SsoSecretHelp,
    BrandTokens,
    TokenName,
    Issue,
    ShownOnce,
    Copy,
    Copied,
    Revoke,
    Period,
    FirstAnswer,
    Median,
    Percentile90,
    ShareAnswered,
    FollowersPerDay,
    Notified,
    WillNotify,
    PostsRepliesPerDay,
    Followers,
    TopPosts,
    Day,
    Webhooks,
    WebhooksHelp,
    WebhookUrl,
    WebhookFormat,
    FormatSlack,
    FormatJson,
    WebhookLanguage,
    AddWebhook,
    NoWebhooks,
    SecretShownOnce,
    SigningSecret,
    SendTest,
    Deliveries,
    NoDeliveries,
    EventMention,
    EventBuzz,
    EventTest,
    StatePending,
    StateDelivered,
    StateFailed,
    NoAnswer,
    AddOffer,
    OfferCode,
    OfferEnds,
    OfferLimit,
    Offers,
    NoOffers,
    OfferTaken,
    FollowsWhileRunning,
    Pictures,
    PictureAlt,
    Remove,
}

impl Words for Text {
    fn words(self) -> (&'static str, &'static str) {
        use Text::*;
        match self {
            ConsoleTitle => ("Gazouillis console", "Console Gazouillis"),
            SignIn => ("Sign in", "Se connecter"),
            SignInHelp => (
                "Paste your brand token, or the operator token. It is kept in this tab only, until you close it or sign out.",
                "Collez votre jeton de marque, ou le jeton d’opérateur. Il n’est gardé que dans cet onglet, jusqu’à sa fermeture ou la déconnexion.",
            ),
            SignOut => ("Sign out", "Se déconnecter"),
            Token => ("Token", "Jeton"),
            TokenMissing => ("Paste a token first.", "Collez d’abord un jeton."),
            TokenRefused => (
                "This token is not valid, or it was revoked. Sign in with another one.",
                "Ce jeton n’est pas valide, ou il a été révoqué. Connectez-vous avec un autre.",
            ),
            Unreachable => ("The service cannot be reached. Please try again.", "Le service est injoignable. Veuillez réessayer."),
            PickAccount => ("Accounts", "Comptes"),
            NoAccounts => ("No account yet.", "Aucun compte pour l’instant."),
            FindAccount => ("Find an account", "Trouver un compte"),
            NoAccountMatches => ("No account matches.", "Aucun compte ne correspond."),
            CreateAccount => ("Create an account", "Créer un compte"),
            Handle => ("Handle (a–z, 0–9, _)", "Identifiant (a–z, 0–9, _)"),
            Name => ("Name", "Nom"),
            Create => ("Create", "Créer"),
            SwitchAccount => ("Other account", "Autre compte"),
            Sections => ("Sections", "Rubriques"),
            Unread => (" unread", " non lues"),
            Compose => ("Compose", "Publier"),
            Inbox => ("Inbox", "Réponses reçues"),
            Listening => ("Listening", "Veille"),
            SearchLabel => ("Search what is said", "Chercher ce qui se dit"),
            Search => ("Search", "Chercher"),
            SearchHelp => (
                "Words (accents and case do not matter), \"an exact phrase\", #hashtags. The last word may be the start of one.",
                "Des mots (accents et majuscules indifférents), « une expression exacte » entre guillemets droits, des #hashtags. Le dernier mot peut être un début de mot.",
            ),
            NoResults => ("Nothing found.", "Rien trouvé."),
            KindPost => ("Post", "Publication"),
            KindReply => ("Reply", "Réponse"),
            KindQueued => ("Waiting for approval", "En attente de validation"),
            HiddenMark => ("hidden", "masqué"),
            Watched => ("Watched terms", "Termes surveillés"),
            WatchedLabel => ("One per line", "Un par ligne"),
            WatchedHelp => (
                "A word, \"a phrase\" or a #hashtag, as in a search. What is written with one of them becomes a mention below.",
                "Un mot, « une expression » entre guillemets droits ou un #hashtag, comme une recherche. Ce qui s’écrit avec l’un d’eux devient une mention ci-dessous.",
            ),
            WatchedInvalid => (
                "Each line must hold a word; at most 100 lines.",
                "Chaque ligne doit contenir un mot ; 100 lignes au plus.",
            ),
            Mentions => ("Mentions", "Mentions"),
            RepliesPerHour => ("Visitors' replies per hour, last 7 days (UTC)", "Réponses des visiteurs par heure, 7 derniers jours (UTC)"),
            Buzz => ("Buzz", "Buzz"),
            NoBuzz => ("No buzz this week.", "Pas de buzz cette semaine."),
            NoMentions => ("No mention yet.", "Aucune mention pour l’instant."),
            Posts => ("Posts", "Publications"),
            Moderation => ("Moderation", "Modération"),
            Settings => ("Settings", "Réglages"),
            Stats => ("Statistics", "Statistiques"),
            WhatsNew => ("New post", "Nouvelle publication"),
            Characters => (" characters", " caractères"),
            Post => ("Post", "Publier"),
            Posted => ("Posted:", "Publié :"),
            Preview => ("Preview", "Aperçu"),
            Show => ("Show", "Afficher"),
            ToAnswer => ("To answer", "À traiter"),
            Answered => ("Answered", "Répondues"),
            All => ("All", "Toutes"),
            InboxEmpty => ("Nothing here.", "Rien ici."),
            OnPost => ("On the post: ", "Sur la publication : "),
            Customer => ("customer", "client"),
            AnsweredMark => ("answered", "répondu"),
            Answer => ("Answer", "Répondre"),
            AnswerAsBrand => ("Your answer, as the brand", "Votre réponse, au nom de la marque"),
            Send => ("Send", "Envoyer"),
            Hide => ("Hide", "Masquer"),
            LoadMore => ("Load more", "Voir plus"),
            NoPosts => ("No posts yet.", "Aucune publication pour l’instant."),
            HiddenPosts => ("Hidden posts", "Publications masquées"),
            NothingHidden => ("Nothing is hidden.", "Rien n’est masqué."),
            ShowAgain => ("Show again", "Afficher à nouveau"),
            Delete => ("Delete", "Supprimer"),
            ConfirmDelete => ("Delete for good?", "Supprimer définitivement ?"),
            Waiting => ("Waiting for approval", "En attente de validation"),
            QueueEmpty => ("No reply is waiting.", "Aucune réponse en attente."),
            HiddenReplies => ("Hidden replies", "Réponses masquées"),
            ReasonPremoderated => ("every reply is read first", "chaque réponse est lue avant"),
            ReasonBlockedWord => ("a blocked word", "un mot bloqué"),
            ReasonLink => ("a link", "un lien"),
            Approve => ("Approve", "Valider"),
            Reject => ("Reject", "Refuser"),
            Replies => ("Replies", "Réponses"),
            Premoderate => ("Read every reply before it shows", "Lire chaque réponse avant qu’elle paraisse"),
            QueueLinks => ("Hold replies with a link for approval", "Retenir les réponses avec un lien"),
            SsoRequired => (
                "Only customers signed in on your site may reply",
                "Seuls les clients connectés sur votre site peuvent répondre",
            ),
            BlockedWords => ("Blocked words", "Mots bloqués"),
            BlockedWordsHelp => (
                "One per line. A reply with one of them waits for approval.",
                "Un par ligne. Une réponse qui en contient un attend la validation.",
            ),
            BlockedWordsInvalid => (
                "At most 200 words of at most 50 characters each.",
                "200 mots au plus, de 50 caractères au plus chacun.",
            ),
            AllowedSites => ("Sites allowed to write", "Sites autorisés à écrire"),
            AllowedSitesHelp => (
                "One address per line, like https://shop.example. Empty: any site.",
                "Une adresse par ligne, comme https://boutique.example. Vide : tout site.",
            ),
            AllowedSitesInvalid => (
                "Each line must be a site address like https://shop.example (at most 50).",
                "Chaque ligne doit être l’adresse d’un site comme https://boutique.example (50 au plus).",
            ),
            Save => ("Save", "Enregistrer"),
            Saved => ("Saved.", "Enregistré."),
            SsoSecret => ("Customer sign-in (SSO)", "Connexion des clients (SSO)"),
            SsoSecretHelp => (
                "Secret your site signs its customers’ sign-ins with",
                "Secret avec lequel votre site signe la connexion de ses clients",
            ),
            BrandTokens => ("Brand tokens", "Jetons de marque"),
            TokenName => ("Who or what it is for", "Pour qui ou pour quoi"),
            Issue => ("Issue a token", "Créer un jeton"),
            ShownOnce => (
                "Copy this token now: it will not be shown again.",
                "Copiez ce jeton maintenant : il ne sera plus affiché.",
            ),
            Copy => ("Copy", "Copier"),
            Copied => ("Copied", "Copié"),
            Revoke => ("Revoke", "Révoquer"),
            Period => ("Period", "Période"),
            FirstAnswer => ("Time to the brand’s first answer", "Délai de première réponse de la marque"),
            Median => ("Median", "Médiane"),
            Percentile90 => ("90th percentile", "90e centile"),
            ShareAnswered => ("Replies answered", "Réponses traitées"),
            FollowersPerDay => ("Followers per day", "Abonnés par jour"),
            Notified => ("Followers notified of new posts", "Abonnés avertis des nouvelles publications"),
            WillNotify => ("Followers this post will notify:", "Abonnés que cette publication avertira :"),
            PostsRepliesPerDay => ("Posts and replies per day", "Publications et réponses par jour"),
            Followers => ("Followers", "Abonnés"),
            TopPosts => ("Posts with the most replies", "Publications les plus commentées"),
            Day => ("Day", "Jour"),
            Webhooks => ("Webhooks", "Webhooks"),
            WebhooksHelp => (
                "Mentions of watched terms and buzz alerts are sent to these addresses, retried for about 3 hours if they fail (at most 5).",
                "Les mentions des termes surveillés et les alertes de buzz sont envoyées à ces adresses, avec de nouveaux essais pendant environ 3 heures en cas d’échec (5 au plus).",
            ),
            WebhookUrl => ("Address (https://)", "Adresse (https://)"),
            WebhookFormat => ("Format", "Format"),
            FormatSlack => ("Slack message", "Message Slack"),
            FormatJson => ("Signed JSON (HMAC-SHA256)", "JSON signé (HMAC-SHA256)"),
            WebhookLanguage => ("Language of messages", "Langue des messages"),
            AddWebhook => ("Add the webhook", "Ajouter le webhook"),
            NoWebhooks => ("No webhook yet.", "Aucun webhook pour l’instant."),
            SecretShownOnce => (
                "Copy this signing secret now: it will not be shown again. Check each request’s Gazouillis-Signature with it.",
                "Copiez ce secret de signature maintenant : il ne sera plus affiché. Vérifiez avec lui l’en-tête Gazouillis-Signature de chaque requête.",
            ),
            SigningSecret => ("Signing secret", "Secret de signature"),
            SendTest => ("Send a test", "Envoyer un test"),
            Deliveries => ("Deliveries", "Envois"),
            NoDeliveries => ("Nothing sent yet.", "Rien d’envoyé pour l’instant."),
            EventMention => ("Mention", "Mention"),
            EventBuzz => ("Buzz", "Buzz"),
            EventTest => ("Test", "Test"),
            StatePending => ("Pending", "En attente"),
            StateDelivered => ("Delivered", "Reçu"),
            StateFailed => ("Given up", "Abandonné"),
            NoAnswer => ("No answer", "Pas de réponse"),
            AddOffer => ("Add an offer for followers", "Ajouter une offre réservée aux abonnés"),
            OfferCode => ("Code (followers get it by claiming it)", "Code (les abonnés l’obtiennent en le demandant)"),
            OfferEnds => ("Ends", "Fin"),
            OfferLimit => ("How many followers may take it (empty: all)", "Combien d’abonnés peuvent le prendre (vide : tous)"),
            Offers => ("Offers for followers", "Offres réservées aux abonnés"),
            NoOffers => ("No offer yet: add one to a new post.", "Aucune offre pour l’instant : ajoutez-en une à une nouvelle publication."),
            OfferTaken => ("taken", "pris"),
            Pictures => ("Pictures (up to 4: JPEG, PNG, WebP, GIF or AVIF, 5 MB each)", "Images (4 au plus : JPEG, PNG, WebP, GIF ou AVIF, 5 Mo chacune)"),
            PictureAlt => ("What it shows (alt text, required)", "Ce qu’elle montre (texte alternatif, obligatoire)"),
            Remove => ("Remove", "Retirer"),
            FollowsWhileRunning => ("follows while it ran", "abonnements pendant l’offre"),
        }
    }
}

/// How the console words what is not a fixed text.
pub trait Phrases {
    /// The language's own name, on the button that switches to it.
    fn name(self) -> &'static str;
    /// "3 replies", "1 réponse".
    fn replies(self, n: u64) -> &'static str;
    /// What makes an hour a buzz, with the edge's numbers.
    fn buzz_rule(self, factor: u64, min_replies: u64) -> String;
    /// "7 days", "7 jours".
    fn days(self, n: u32) -> String;
    /// A wait, rounded to its largest unit: "45 s", "12 min", "3 h", "2 d" / "2 j".
    fn duration(self, ms: u64) -> String;
    /// What went wrong, in words: the console's own for what a person can act
    /// on, the API's (English) message otherwise.
    fn explain(self, error: &ApiError) -> String;
}

impl Phrases for Lang {
    fn name(self) -> &'static str {
        self.pick("English", "Français")
    }

    fn replies(self, n: u64) -> &'static str {
        self.counted(n, i18n::Text::Reply, i18n::Text::Replies)
    }

    fn buzz_rule(self, factor: u64, min_replies: u64) -> String {
        match self {
            Lang::En => format!(
                "Hours with more than {factor} times the week before's hourly mean of replies, and at least {min_replies}; with the posts where they came."
            ),
            Lang::Fr => format!(
                "Heures avec plus de {factor} fois la moyenne horaire de réponses de la semaine d’avant, et au moins {min_replies} ; avec les publications concernées."
            ),
        }
    }

    fn days(self, n: u32) -> String {
        format!("{n} {}", self.pick("days", "jours"))
    }

    fn duration(self, ms: u64) -> String {
        let seconds = ms / 1000;
        match seconds {
            0..60 => format!("{seconds} s"),
            60..3600 => format!("{} min", seconds / 60),
            3600..86_400 => format!("{} h", seconds / 3600),
            _ => format!("{} {}", seconds / 86_400, self.pick("d", "j")),
        }
    }

    fn explain(self, error: &ApiError) -> String {
        let words = match error.code.as_str() {
            "unauthorized" => Some(self.t(Text::TokenRefused)),
            "forbidden" => Some(self.pick("This token may not do that.", "Ce jeton ne permet pas de faire cela.")),
            "network" => Some(self.t(Text::Unreachable)),
            "text_empty" => Some(self.pick("Write something first.", "Écrivez d’abord quelque chose.")),
            "text_too_long" => Some(self.pick("This text is too long.", "Ce texte est trop long.")),
            "text_invalid" => Some(self.pick("This text holds a character that is not allowed.", "Ce texte contient un caractère interdit.")),
            "handle_taken" => Some(self.pick("This handle is already taken.", "Cet identifiant est déjà pris.")),
            "invalid_handle" => Some(self.pick(
                "A handle is 1 to 30 lowercase letters, digits or _.",
                "Un identifiant compte de 1 à 30 lettres minuscules, chiffres ou _.",
            )),
            "invalid_name" => Some(self.pick("A name is 1 to 40 characters.", "Un nom compte de 1 à 40 caractères.")),
            "invalid_watches" => Some(self.t(Text::WatchedInvalid)),
            "invalid_query" => Some(self.pick(
                "Type at least one word (at most 16 words and 200 characters).",
                "Tapez au moins un mot (16 mots et 200 caractères au plus).",
            )),
            "invalid_webhook" => Some(self.pick(
                "The address must start with https://.",
                "L’adresse doit commencer par https://.",
            )),
            "invalid_offer" => Some(self.pick(
                "The offer needs a code without spaces (40 characters at most), an end in the future, and a limit of at least 1 if any.",
                "L’offre demande un code sans espace (40 caractères au plus), une fin à venir, et une limite d’au moins 1 s’il y en a une.",
            )),
            "unsupported_image" => Some(self.pick(
                "This file is not a JPEG, PNG, WebP, GIF or AVIF picture.",
                "Ce fichier n’est pas une image JPEG, PNG, WebP, GIF ou AVIF.",
            )),
            "image_too_large" => Some(self.pick("A picture is at most 5 MB.", "Une image fait 5 Mo au plus.")),
            "invalid_images" => Some(self.pick(
                "Each picture needs its alt text (1,000 characters at most). A picture added over a day ago is gone: add it again.",
                "Chaque image demande son texte alternatif (1 000 caractères au plus). Une image ajoutée il y a plus d’un jour n’est plus là : ajoutez-la de nouveau.",
            )),
            "image_in_use" => Some(self.pick(
                "This picture is on a post: deleting the post deletes it.",
                "Cette image est sur une publication : supprimer la publication supprime l’image.",
            )),
            "too_many_webhooks" => Some(self.pick(
                "An account has at most 5 webhooks: delete one first.",
                "Un compte a au plus 5 webhooks : supprimez-en un d’abord.",
            )),
            "rate_limited" => Some(self.pick("Too many at once. Please wait a moment.", "Trop d’un coup. Patientez un instant.")),
            _ => None,
        };
        words.map_or_else(|| error.message.clone(), str::to_owned)
    }
}

/// `created_at` (RFC 3339) as the reader's clock and language show dates.
pub fn local_time(lang: Lang, created_at: &str) -> String {
    let date = js_sys::Date::new(&created_at.into());
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string(lang.tag(), &options).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_from_tags() {
        assert_eq!(Lang::from_tag("fr-CA"), Lang::Fr);
        assert_eq!(Lang::from_tag("FR"), Lang::Fr);
        assert_eq!(Lang::from_tag("en-GB"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
    }

    #[test]
    fn words_for_counts_and_waits() {
        assert_eq!(Lang::En.replies(1), "reply");
        assert_eq!(Lang::En.replies(0), "replies");
        assert_eq!(Lang::Fr.replies(0), "réponse");
        assert_eq!(Lang::Fr.replies(2), "réponses");
        assert_eq!(Lang::En.duration(59_999), "59 s");
        assert_eq!(Lang::En.duration(3_599_000), "59 min");
        assert_eq!(Lang::Fr.duration(7_200_000), "2 h");
        assert_eq!(Lang::Fr.duration(172_800_000), "2 j");
    }

    #[test]
    fn errors_a_person_can_act_on_are_worded_and_others_keep_the_api_message() {
        let error = |code: &str| ApiError { code: code.into(), message: "API message".into() };
        assert_eq!(Lang::Fr.explain(&error("unauthorized")), Lang::Fr.t(Text::TokenRefused));
        assert_eq!(Lang::En.explain(&error("handle_taken")), "This handle is already taken.");
        assert_eq!(Lang::En.explain(&error("post_not_found")), "API message");
    }
}
