//! The organisation's links that every page of the site shows in its footer:
//! its accessibility statement (tillgänglighetsredogörelse) and a way to
//! contact it, as DIGG requires of a public-sector web site. They are set in
//! `report.yaml`; a build without them still succeeds, with a warning.

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::project::Fields;
use crate::yaml::Node;

/// `accessibility_statement:` and `contact:` from `report.yaml`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SiteLinks {
    /// Web address of the organisation's accessibility statement.
    pub accessibility_statement: Option<String>,
    /// Web address or `mailto:` link for contacting the organisation.
    pub contact: Option<String>,
    /// A warning for each link left out, located at the settings' mapping.
    #[serde(skip)]
    pub warnings: Diagnostics,
}

impl SiteLinks {
    /// Reads both keys from the report settings `f`; a malformed link is an
    /// error at its line, a missing one a warning.
    pub fn parse<'a>(f: &mut Fields<'a>) -> SiteLinks {
        let mut links = SiteLinks::default();
        let keys = [
            (
                "accessibility_statement",
                "the organisation's accessibility statement (tillgänglighetsredogörelse)",
                "https://www.kommunen.se/tillganglighet",
            ),
            ("contact", "a contact page or address", "mailto:info@kommunen.se"),
        ];
        for (key, what, example) in keys {
            let value = match f.optional(key) {
                Some(node) => link(f, node, key, example),
                None => {
                    let warning = Diagnostic::warning(
                        Some(f.node.location(f.file)),
                        format!("the site has no link to {what}: `{key}:` is missing"),
                    )
                    .with_source(f.source)
                    .with_hint(format!(
                        "public-sector sites must link to it from every page (DIGG); add a line such as `{key}: {example}`"
                    ));
                    links.warnings.push(warning);
                    None
                }
            };
            match key {
                "contact" => links.contact = value,
                _ => links.accessibility_statement = value,
            }
        }
        links
    }
}

/// The link written at `node`, if it is a web address or a `mailto:` link.
fn link<'a>(f: &mut Fields<'a>, node: &'a Node, key: &str, example: &str) -> Option<String> {
    let text = f.string(Some(node))?;
    match check(&text) {
        Ok(()) => Some(text),
        Err(problem) => {
            f.error(
                node,
                format!("expected a web address (https://…) or an e-mail link (mailto:…), found `{text}`: {problem}"),
                Some(format!("for example `{key}: {example}`")),
            );
            None
        }
    }
}

/// Whether `text` is an absolute `https:`/`http:` address with a host name,
/// or a `mailto:` link to one address. Says what is wrong otherwise.
fn check(text: &str) -> Result<(), &'static str> {
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("a link holds no spaces");
    }
    let lower = text.to_ascii_lowercase();
    if let Some(address) = lower.strip_prefix("mailto:") {
        let address = address.split('?').next().unwrap_or_default();
        return match address.split_once('@') {
            Some((local, domain)) if !local.is_empty() && host_name(domain) && domain.contains('.') => Ok(()),
            _ => Err("the e-mail address is not of the form name@domain.se"),
        };
    }
    let Some(rest) = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")) else {
        return Err("it must start with https://, http:// or mailto:");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    };
    if host_name(host) && host.contains('.') {
        Ok(())
    } else {
        Err("the address has no host name such as www.kommunen.se")
    }
}

/// Letters, digits, `-` and dots between non-empty labels (IDNs in Unicode too).
fn host_name(host: &str) -> bool {
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn web_addresses_and_mailto_links_are_accepted() {
        for ok in [
            "https://www.sjuharad.se/tillganglighet",
            "http://kommunen.se",
            "https://kommunen.se:8443/om-webbplatsen?a=b#c",
            "https://www.borås.se/kontakt",
            "mailto:info@kommunen.se",
            "MAILTO:registrator@region.se?subject=Fråga",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn anything_else_is_refused_with_the_reason() {
        for (bad, why) in [
            ("www.kommunen.se", "must start with"),
            ("javascript:alert(1)", "must start with"),
            ("/tillganglighet.html", "must start with"),
            ("https://", "no host name"),
            ("https://localhost/", "no host name"),
            ("https://-x.se/", "no host name"),
            ("https://kommunen..se/", "no host name"),
            ("https://kommunen.se/om oss", "no spaces"),
            ("mailto:info", "name@domain.se"),
            ("mailto:@kommunen.se", "name@domain.se"),
            ("mailto:info@kommunen", "name@domain.se"),
        ] {
            let err = check(bad).expect_err(bad);
            assert!(err.contains(why), "{bad}: {err}");
        }
    }
}
