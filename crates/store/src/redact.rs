//! Secrets out of text that is shown or kept: the password a store URL may carry.
//!
//! A PostgreSQL store URL can hold a password (`postgres://user:PASSWORD@host/db`, or
//! `?password=…` in its query). Every message that names a store, every backend error (a
//! driver may echo the URL) and the command line kept in the audit log pass through
//! [`redact_secrets`] first, so that a password is never printed nor stored.

/// What a secret is replaced with.
const MASK: &str = "***";

/// Query or connection-string keys whose value is a secret.
const SECRET_KEYS: [&str; 2] = ["password", "sslpassword"];

/// `text` with every password it holds replaced by `***`:
///
/// - the password of a URL's user information: `scheme://user:PASSWORD@host…` (everything
///   between the first `:` after `://` and the last `@` of the URL, so that a password holding
///   `@`, `/` or `:` unescaped is masked whole);
/// - the value of a `password=` or `sslpassword=` parameter (any case) that starts a word or
///   follows `?`, `&` or `;`: a URL's query (`?password=…`, `&password=…`) or a key=value
///   connection string (`host=h password=…`).
///
/// The rest of the text is unchanged: `--store=postgres://u:pw@h/db` becomes
/// `--store=postgres://u:***@h/db`, `KAOHE_STORE=…` likewise. A URL ends at whitespace, so a
/// password written with a space in it is masked only up to the space.
pub fn redact_secrets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, tail) = rest.split_at(word_end);
        out.push_str(&redact_params(&redact_userinfo(word)));
        let space_end = tail
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(tail.len());
        out.push_str(&tail[..space_end]);
        rest = &tail[space_end..];
    }
    out
}

/// Masks the password of every `scheme://user:password@` in one word.
fn redact_userinfo(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut rest = word;
    while let Some(at) = rest.find("://") {
        let authority_start = at + 3;
        out.push_str(&rest[..authority_start]);
        let after = &rest[authority_start..];
        // The URL runs to the next `://` (a second URL glued on) or the end of the word.
        let url_end = after.find("://").map_or(after.len(), |n| {
            // Back up to the start of that second URL's scheme.
            after[..n]
                .char_indices()
                .rev()
                .find(|&(_, c)| !(c.is_ascii_alphanumeric() || "+-.".contains(c)))
                .map_or(0, |(p, c)| p + c.len_utf8())
        });
        let url = &after[..url_end];
        match (url.rfind('@'), url.find(':')) {
            (Some(at_sign), Some(colon)) if colon < at_sign => {
                out.push_str(&url[..=colon]);
                out.push_str(MASK);
                out.push_str(&url[at_sign..]);
            }
            _ => out.push_str(url),
        }
        rest = &after[url_end..];
    }
    out.push_str(rest);
    out
}

/// Masks the value of every secret `key=value` parameter in one word.
fn redact_params(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    let mut out = String::with_capacity(word.len());
    let mut copied = 0;
    let mut i = 0;
    while i < word.len() {
        let starts_param = i == 0 || matches!(word.as_bytes()[i - 1], b'?' | b'&' | b';');
        let key = SECRET_KEYS.iter().find(|k| {
            starts_param
                && lower[i..]
                    .strip_prefix(**k)
                    .is_some_and(|r| r.starts_with('='))
        });
        match key {
            Some(k) => {
                let value_start = i + k.len() + 1;
                let value_end = word[value_start..]
                    .find(['&', '#', ';', '\'', '"', '`'])
                    .map_or(word.len(), |n| value_start + n);
                out.push_str(&word[copied..value_start]);
                if value_end > value_start {
                    out.push_str(MASK);
                }
                copied = value_end;
                i = value_end;
            }
            None => i += word[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    out.push_str(&word[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::redact_secrets;

    fn check(input: &str, expected: &str) {
        assert_eq!(redact_secrets(input), expected, "input: {input}");
    }

    #[test]
    fn userinfo_password() {
        check(
            "postgres://postgres:SECRETPW@127.0.0.1:5432/db",
            "postgres://postgres:***@127.0.0.1:5432/db",
        );
        check(
            "postgresql://u:p%40ss@h/db?sslmode=disable",
            "postgresql://u:***@h/db?sslmode=disable",
        );
        // Unescaped `@`, `/` and `:` in the password: masked whole.
        check("postgres://u:p@s/s:w@h/db", "postgres://u:***@h/db");
        check("postgres://u:@h/db", "postgres://u:***@h/db");
    }

    #[test]
    fn no_password_unchanged() {
        for s in [
            "postgres://postgres@127.0.0.1:5432/test",
            "postgres://127.0.0.1:5432/test?sslmode=disable",
            "redb:kaohe.redb",
            "a plain message: 87.50 points, Art.7",
            "",
            "镇 01: 12 entries",
        ] {
            check(s, s);
        }
    }

    #[test]
    fn query_and_keyword_passwords() {
        check(
            "postgres://u@h/db?password=SECRET&sslmode=require",
            "postgres://u@h/db?password=***&sslmode=require",
        );
        check(
            "postgres://u@h/db?sslmode=require&PASSWORD=SECRET",
            "postgres://u@h/db?sslmode=require&PASSWORD=***",
        );
        check(
            "postgres://u@h/db?sslpassword=KEYPW",
            "postgres://u@h/db?sslpassword=***",
        );
        check(
            "host=h user=u password=SECRET dbname=d",
            "host=h user=u password=*** dbname=d",
        );
        // Not a parameter of its own: left alone.
        check("mypassword=x", "mypassword=x");
    }

    #[test]
    fn in_a_command_line_or_message() {
        check(
            "kaohe --store=postgres://u:pw@h/db settle --quarter 2026Q3",
            "kaohe --store=postgres://u:***@h/db settle --quarter 2026Q3",
        );
        check(
            "kaohe --store postgres://u:pw@h/db policy show",
            "kaohe --store postgres://u:***@h/db policy show",
        );
        check(
            "KAOHE_STORE=postgres://u:pw@h/db",
            "KAOHE_STORE=postgres://u:***@h/db",
        );
        check(
            "error: cannot connect (store: postgres://u:pw@h/db?password=x)",
            "error: cannot connect (store: postgres://u:***@h/db?password=***",
        );
        check(
            "postgres://a:one@h/x,postgres://b:two@k/y",
            "postgres://a:***@h/x,postgres://b:***@k/y",
        );
        check(
            "镇postgres://a:one@h/x镇postgres://b:two@k",
            "镇postgres://a:***@h/x镇postgres://b:***@k",
        );
    }
}
