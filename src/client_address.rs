//! Which address a request comes from, for the throttles: the peer of the
//! connection, or, when that peer is a proxy the operator trusts, the client
//! the proxy names in its forwarding header. A header is believed only as
//! far as trusted proxies wrote it: read from the right, the first address
//! that is not a trusted proxy is the client; whatever stands left of it was
//! written by that client and may be anything.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

/// A range of addresses, `10.0.0.0/8` or `2001:db8::/32`; a bare address is
/// its own range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let network: IpAddr = address
            .parse()
            .map_err(|_| format!("'{text}' is not an address or a range (such as 10.0.0.0/8)"))?;
        let network = network.to_canonical();
        let bits = max_prefix(network);
        let prefix = match prefix {
            None => bits,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("'{text}': the prefix must be 0 to {bits}"))?,
        };
        // Trusting every address would let any client name its own address.
        if prefix == 0 {
            return Err(format!(
                "'{text}' trusts every address; name the proxies' own range"
            ));
        }
        if mask(network, prefix) != network {
            return Err(format!(
                "'{text}' has bits set past its prefix; did you mean {}/{prefix}?",
                mask(network, prefix)
            ));
        }
        Ok(Cidr { network, prefix })
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        address.is_ipv4() == self.network.is_ipv4() && mask(address, self.prefix) == self.network
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

fn max_prefix(address: IpAddr) -> u8 {
    if address.is_ipv4() {
        32
    } else {
        128
    }
}

fn mask(address: IpAddr, prefix: u8) -> IpAddr {
    match address {
        IpAddr::V4(a) => {
            let keep = u32::MAX.checked_shl(32 - u32::from(prefix.min(32)));
            IpAddr::V4((u32::from(a) & keep.unwrap_or(0)).into())
        }
        IpAddr::V6(a) => {
            let keep = u128::MAX.checked_shl(128 - u32::from(prefix.min(128)));
            IpAddr::V6((u128::from(a) & keep.unwrap_or(0)).into())
        }
    }
}

/// Which header the trusted proxies write the client's address into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2` (nginx, HAProxy, most load balancers).
    #[default]
    XForwardedFor,
    /// `Forwarded: for=client, for=proxy1` (RFC 7239).
    Forwarded,
}

impl ForwardedHeader {
    pub fn parse(text: &str) -> Result<ForwardedHeader, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(ForwardedHeader::XForwardedFor),
            "forwarded" => Ok(ForwardedHeader::Forwarded),
            other => Err(format!(
                "'{other}' is neither 'x-forwarded-for' nor 'forwarded'"
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ForwardedHeader::XForwardedFor => "x-forwarded-for",
            ForwardedHeader::Forwarded => "forwarded",
        }
    }
}

/// The proxies whose forwarding header is believed, and which header that
/// is. Only one header is read: a proxy appends to its own and passes the
/// other through as the client sent it, so reading both would let a client
/// name any address it likes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    pub ranges: Vec<Cidr>,
    pub header: ForwardedHeader,
}

impl TrustedProxies {
    /// A list of ranges separated by commas or white space; empty trusts none.
    pub fn parse_list(text: &str) -> Result<Vec<Cidr>, String> {
        text.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(Cidr::parse)
            .collect()
    }

    pub fn trusts(&self, address: IpAddr) -> bool {
        self.ranges.iter().any(|r| r.contains(address))
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy;
    /// then the rightmost address in the header that is not a trusted proxy.
    /// `header_values` are the values of `self.header` in the order received.
    pub fn client<'a>(
        &self,
        peer: IpAddr,
        header_values: impl IntoIterator<Item = &'a str>,
    ) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let values: Vec<&str> = header_values.into_iter().collect();
        let hops: Vec<&str> = values.iter().flat_map(|v| split_list(v)).collect();
        for hop in hops.iter().rev() {
            let named = match self.header {
                ForwardedHeader::XForwardedFor => parse_node(hop),
                ForwardedHeader::Forwarded => forwarded_for(hop).and_then(parse_node),
            };
            // A hop the proxy could not name ("unknown", an obfuscated name,
            // garbage): nothing left of it can be believed, so the last
            // trusted proxy stands for the client.
            let Some(address) = named else {
                return client;
            };
            client = address.to_canonical();
            if !self.trusts(client) {
                return client;
            }
        }
        client
    }
}

/// The key a throttle counts an address under: an IPv4 address alone, an
/// IPv6 address by its /64, since one subscriber is usually given a whole
/// /64 and could otherwise take a fresh address for every request.
pub fn throttle_key(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V6(a) => mask(IpAddr::V6(a), 64),
        v4 => v4,
    }
}

/// Splits a header's list at commas outside quoted strings.
fn split_list(value: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(value[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(value[start..].trim());
    parts.retain(|p| !p.is_empty());
    parts
}

/// The `for=` parameter of one `Forwarded` element.
fn forwarded_for(element: &str) -> Option<&str> {
    element.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("for")
            .then(|| value.trim().trim_matches('"'))
    })
}

/// `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1` or `[2001:db8::1]:4711`.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim();
    node.parse::<IpAddr>()
        .ok()
        .or_else(|| node.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            node.strip_prefix('[')
                .and_then(|n| n.strip_suffix(']'))
                .and_then(|n| n.parse().ok())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn trusting(ranges: &str, header: ForwardedHeader) -> TrustedProxies {
        TrustedProxies {
            ranges: TrustedProxies::parse_list(ranges).unwrap(),
            header,
        }
    }

    #[test]
    fn ranges_contain_their_addresses_and_refuse_typos() {
        let r = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(r.contains(ip("10.255.0.1")));
        assert!(!r.contains(ip("11.0.0.1")));
        assert!(r.contains(ip("::ffff:10.1.2.3")), "IPv4 seen through IPv6");
        let host = Cidr::parse("127.0.0.1").unwrap();
        assert!(host.contains(ip("127.0.0.1")) && !host.contains(ip("127.0.0.2")));
        let v6 = Cidr::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")) && !v6.contains(ip("2001:db9::1")));
        assert!(!v6.contains(ip("10.0.0.1")));
        assert!(Cidr::parse("10.0.0.1/8")
            .unwrap_err()
            .contains("10.0.0.0/8"));
        assert!(Cidr::parse("0.0.0.0/0").is_err(), "trusting everyone");
        assert!(Cidr::parse("::/0").is_err());
        assert!(Cidr::parse("10.0.0.0/33").is_err());
        assert!(Cidr::parse("proxy.local").is_err());
        assert_eq!(
            TrustedProxies::parse_list(" 10.0.0.0/8, 192.168.1.5  fd00::/8 ")
                .unwrap()
                .len(),
            3
        );
        assert!(TrustedProxies::parse_list("").unwrap().is_empty());
    }

    #[test]
    fn ipv6_is_counted_by_its_64() {
        assert_eq!(
            throttle_key(ip("2001:db8:1:2:aaaa::1")),
            ip("2001:db8:1:2::")
        );
        assert_eq!(
            throttle_key(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")),
            throttle_key(ip("2001:db8:1:2::7"))
        );
        assert_ne!(
            throttle_key(ip("2001:db8:1:2::1")),
            throttle_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(throttle_key(ip("192.0.2.7")), ip("192.0.2.7"));
        assert_eq!(throttle_key(ip("::ffff:192.0.2.7")), ip("192.0.2.7"));
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let t = trusting("10.0.0.0/8", ForwardedHeader::XForwardedFor);
        let peer = ip("203.0.113.9");
        assert_eq!(t.client(peer, ["198.51.100.1"]), peer);
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("127.0.0.1"), ["198.51.100.1"]),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_address_wins() {
        let t = trusting("10.0.0.0/8", ForwardedHeader::XForwardedFor);
        let proxy = ip("10.0.0.2");
        assert_eq!(t.client(proxy, ["198.51.100.1"]), ip("198.51.100.1"));
        // The client wrote the first entry itself: the proxy appended the real one.
        assert_eq!(
            t.client(proxy, ["6.6.6.6, 198.51.100.1"]),
            ip("198.51.100.1")
        );
        // Two proxies of ours, in two header lines.
        assert_eq!(
            t.client(proxy, ["6.6.6.6, 198.51.100.1", "10.0.0.7"]),
            ip("198.51.100.1")
        );
        assert_eq!(t.client(proxy, ["[2001:db8::5]:4711"]), ip("2001:db8::5"));
        assert_eq!(t.client(proxy, ["198.51.100.1:5000"]), ip("198.51.100.1"));
        // No header, or one it cannot read: the proxy itself.
        assert_eq!(t.client(proxy, []), proxy);
        assert_eq!(t.client(proxy, ["6.6.6.6, unknown"]), proxy);
        // Only proxies of ours: the leftmost of them.
        assert_eq!(t.client(proxy, ["10.9.9.9, 10.0.0.7"]), ip("10.9.9.9"));
    }

    #[test]
    fn the_forwarded_header_is_read_by_its_for_parameter() {
        let t = trusting("10.0.0.0/8", ForwardedHeader::Forwarded);
        let proxy = ip("10.0.0.2");
        assert_eq!(
            t.client(
                proxy,
                [r#"for=6.6.6.6, For="[2001:db8:cafe::17]:4711";proto=https;by=10.0.0.2"#]
            ),
            ip("2001:db8:cafe::17")
        );
        assert_eq!(
            t.client(proxy, ["for=198.51.100.1;proto=http, for=10.0.0.9"]),
            ip("198.51.100.1")
        );
        assert_eq!(t.client(proxy, ["for=_hidden"]), proxy);
        assert_eq!(t.client(proxy, ["proto=https"]), proxy);
        assert_eq!(
            ForwardedHeader::parse("Forwarded"),
            Ok(ForwardedHeader::Forwarded)
        );
        assert!(ForwardedHeader::parse("x-real-ip").is_err());
    }
}
