//! Secrets by their shape, wherever they stand in a line: bearer tokens, a
//! URL's password, JSON Web Tokens, AWS access key ids, PEM private keys.

use super::line::{Found, Kind, Lines, find, value_end};

/// `Bearer <token>` anywhere (an Authorization header's value is `by_key`'s).
pub(super) fn by_bearer(line: &[u8], lower: &[u8], found: &mut Vec<Found>) {
    let mut from = 0;
    while let Some(at) = find(lower, b"bearer ", from) {
        let start = at + 7;
        let mut end = start;
        while end < line.len()
            && (line[end].is_ascii_alphanumeric() || b"._~+/=-".contains(&line[end]))
        {
            end += 1;
        }
        if end - start >= 8 {
            found.push(Found {
                range: start..end,
                kind: Kind::Header,
            });
        }
        from = end.max(start);
    }
}

/// `scheme://user:password@host` (and a long token as the whole user part),
/// and Oracle's `thin:user/password@host`.
pub(super) fn by_url(line: &[u8], lower: &[u8], found: &mut Vec<Found>) {
    let mut from = 0;
    while let Some(at) = find(line, b"://", from) {
        let start = at + 3;
        from = start;
        // To the last `@` of the URL: a careless password may hold `/` or `@`.
        let mut stop = start;
        while stop < line.len() && !b" \t\r\n\"'\\<>".contains(&line[stop]) {
            stop += 1;
        }
        let Some(end) = line[start..stop]
            .iter()
            .rposition(|b| *b == b'@')
            .map(|p| start + p)
        else {
            continue;
        };
        let userinfo = &line[start..end];
        let colon = userinfo.iter().position(|b| *b == b':');
        let user_has_slash = |upto: usize| userinfo[..upto].contains(&b'/');
        match colon {
            Some(colon) if colon + 1 < userinfo.len() && !user_has_slash(colon) => {
                found.push(Found {
                    range: start + colon + 1..end,
                    kind: Kind::UrlPassword,
                })
            }
            None if userinfo.len() >= 20 && !user_has_slash(userinfo.len()) => found.push(Found {
                range: start..end,
                kind: Kind::UrlPassword,
            }),
            _ => {}
        }
    }
    let mut from = 0;
    while let Some(at) = find(lower, b"thin:", from) {
        let start = at + 5;
        from = start;
        let end = value_end(line, start);
        let part = &line[start..end];
        if let (Some(slash), Some(at_sign)) = (
            part.iter().position(|b| *b == b'/'),
            part.iter().position(|b| *b == b'@'),
        ) && slash + 1 < at_sign
        {
            found.push(Found {
                range: start + slash + 1..start + at_sign,
                kind: Kind::UrlPassword,
            });
        }
    }
}

fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// JSON Web Tokens (`eyJ….eyJ….…`) and AWS access key ids (`AKIA…`).
pub(super) fn by_token_shape(line: &[u8], found: &mut Vec<Found>) {
    let segment = |from: usize| {
        let mut end = from;
        while end < line.len() && is_b64url(line[end]) {
            end += 1;
        }
        end
    };
    let mut from = 0;
    while let Some(at) = find(line, b"eyJ", from) {
        from = at + 3;
        let first = segment(at);
        if first - at < 8
            || line.get(first) != Some(&b'.')
            || !line[first + 1..].starts_with(b"eyJ")
        {
            continue;
        }
        let second = segment(first + 1);
        if second - first < 9 {
            continue;
        }
        let end = if line.get(second) == Some(&b'.') {
            segment(second + 1)
        } else {
            second
        };
        found.push(Found {
            range: at..end,
            kind: Kind::Jwt,
        });
        from = end;
    }
    for prefix in [
        b"AKIA", b"ASIA", b"AGPA", b"AIDA", b"AROA", b"ANPA", b"ANVA", b"AIPA",
    ] {
        let mut from = 0;
        while let Some(at) = find(line, prefix, from) {
            from = at + 4;
            let end = at + 20;
            let bounded = (at == 0 || !line[at - 1].is_ascii_alphanumeric())
                && end <= line.len()
                && line[at + 4..end]
                    .iter()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                && line.get(end).is_none_or(|b| !b.is_ascii_alphanumeric());
            if bounded {
                found.push(Found {
                    range: at..end,
                    kind: Kind::AwsKeyId,
                });
            }
        }
    }
}

/// PEM private keys: the body between `-----BEGIN … PRIVATE KEY-----` and its
/// `-----END …-----`, on one line (JSON-escaped) or over several.
pub(super) fn by_pem(line: &[u8], state: &mut Lines, found: &mut Vec<Found>) -> bool {
    let content_end = line.len()
        - line
            .iter()
            .rev()
            .take_while(|b| b"\r\n".contains(b))
            .count();
    if state.pem {
        let end = find(line, b"-----END ", 0);
        let start = line.iter().take_while(|b| **b == b' ').count();
        let stop = end.unwrap_or(content_end);
        if stop > start {
            found.push(Found {
                range: start..stop,
                kind: Kind::PrivateKey,
            });
        }
        if end.is_none() {
            return true;
        }
        state.pem = false;
    }
    let mut from = 0;
    while let Some(at) = find(line, b"-----BEGIN ", from) {
        let label_start = at + 11;
        let Some(label_end) = find(line, b"-----", label_start) else {
            break;
        };
        from = label_end + 5;
        let label = &line[label_start..label_end];
        if find(label, b"PRIVATE", 0).is_none() && find(label, b"ENCRYPTED", 0).is_none() {
            continue;
        }
        let body = label_end + 5;
        match find(line, b"-----END ", body) {
            Some(end) => {
                found.push(Found {
                    range: body..end,
                    kind: Kind::PrivateKey,
                });
                from = end;
            }
            None => {
                if content_end > body {
                    found.push(Found {
                        range: body..content_end,
                        kind: Kind::PrivateKey,
                    });
                }
                state.pem = true;
                return true;
            }
        }
    }
    false
}
