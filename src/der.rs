//! Just enough DER to take apart the containers node:crypto exports (PKCS#8, SPKI, PKCS#1, SEC 1 and explicit
//! EC parameters), and to write the few it rebuilds. ring and AWS-LC parse the keys themselves; this only finds
//! them inside their wrappers.

pub const SEQUENCE: u8 = 0x30;
pub const INTEGER: u8 = 0x02;
pub const BIT_STRING: u8 = 0x03;
pub const OCTET_STRING: u8 = 0x04;
pub const OBJECT_IDENTIFIER: u8 = 0x06;
/// `[0]` and `[1]` of SEC 1's ECPrivateKey: the curve parameters and the public key.
pub const CONTEXT_0: u8 = 0xa0;
pub const CONTEXT_1: u8 = 0xa1;

/// One DER element: its tag and its contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub tag: u8,
    pub value: &'a [u8],
}

struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self { rest: data }
    }

    /// Reads one tag-length-value and returns the tag and the value.
    fn next(&mut self) -> Option<(u8, &'a [u8])> {
        let (&tag, rest) = self.rest.split_first()?;
        let (&first, mut rest) = rest.split_first()?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 || rest.len() < count {
                return None;
            }
            let (bytes, after) = rest.split_at(count);
            rest = after;
            bytes.iter().fold(0usize, |n, &b| (n << 8) | usize::from(b))
        };
        if rest.len() < len {
            return None;
        }
        let (value, after) = rest.split_at(len);
        self.rest = after;
        Some((tag, value))
    }

    fn expect(&mut self, tag: u8) -> Option<&'a [u8]> {
        match self.next()? {
            (t, value) if t == tag => Some(value),
            _ => None,
        }
    }

    /// The next element if it has `tag`; nothing is read otherwise.
    fn optional(&mut self, tag: u8) -> Option<&'a [u8]> {
        if self.rest.first() == Some(&tag) {
            self.expect(tag)
        } else {
            None
        }
    }

    fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }
}

/// Writes one DER element (definite length, short or long form).
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// An AlgorithmIdentifier: the algorithm OID and its parameters (for an EC key, the named curve's OID or the
/// explicit curve parameters).
fn algorithm_identifier(content: &[u8]) -> Option<(&[u8], Option<Tlv<'_>>)> {
    let mut reader = Reader::new(content);
    let oid = reader.expect(OBJECT_IDENTIFIER)?;
    let parameters = reader.next().map(|(tag, value)| Tlv { tag, value });
    Some((oid, parameters))
}

/// A SubjectPublicKeyInfo: the algorithm OID, its parameters, and the public key.
pub struct Spki<'a> {
    pub algorithm: &'a [u8],
    pub parameters: Option<Tlv<'a>>,
    pub key: &'a [u8],
}

pub fn spki(der: &[u8]) -> Option<Spki<'_>> {
    let mut outer = Reader::new(Reader::new(der).expect(SEQUENCE)?);
    let (algorithm, parameters) = algorithm_identifier(outer.expect(SEQUENCE)?)?;
    let bits = outer.expect(BIT_STRING)?;
    let (&unused, key) = bits.split_first()?;
    (unused == 0).then_some(Spki {
        algorithm,
        parameters,
        key,
    })
}

/// A PKCS#8 PrivateKeyInfo: the algorithm OID, its parameters, and the inner private key.
pub struct Pkcs8<'a> {
    pub algorithm: &'a [u8],
    pub parameters: Option<Tlv<'a>>,
    pub private_key: &'a [u8],
}

pub fn pkcs8(der: &[u8]) -> Option<Pkcs8<'_>> {
    let mut outer = Reader::new(Reader::new(der).expect(SEQUENCE)?);
    outer.expect(INTEGER)?;
    let (algorithm, parameters) = algorithm_identifier(outer.expect(SEQUENCE)?)?;
    Some(Pkcs8 {
        algorithm,
        parameters,
        private_key: outer.expect(OCTET_STRING)?,
    })
}

/// SEC 1's ECPrivateKey (RFC 5915 §3): the private scalar, the curve parameters if repeated there, and the
/// public key's BIT STRING contents.
pub struct EcPrivateKey<'a> {
    pub private_key: &'a [u8],
    pub parameters: Option<Tlv<'a>>,
    pub public_key: Option<&'a [u8]>,
}

pub fn ec_private_key(der: &[u8]) -> Option<EcPrivateKey<'_>> {
    let mut seq = Reader::new(Reader::new(der).expect(SEQUENCE)?);
    if seq.expect(INTEGER)? != [1] {
        return None;
    }
    let private_key = seq.expect(OCTET_STRING)?;
    let parameters = match seq.optional(CONTEXT_0) {
        Some(inner) => {
            let (tag, value) = Reader::new(inner).next()?;
            Some(Tlv { tag, value })
        }
        None => None,
    };
    let public_key = match seq.optional(CONTEXT_1) {
        Some(inner) => Some(Reader::new(inner).expect(BIT_STRING)?),
        None => None,
    };
    seq.is_empty().then_some(EcPrivateKey {
        private_key,
        parameters,
        public_key,
    })
}

/// X9.62 ECParameters (RFC 3279 §2.3.5), the contents of its SEQUENCE: each field as encoded, for comparing
/// with the curves ringjwt knows.
pub struct EcParameters<'a> {
    pub version: &'a [u8],
    pub field_type: &'a [u8],
    pub prime: &'a [u8],
    pub a: &'a [u8],
    pub b: &'a [u8],
    pub base: &'a [u8],
    pub order: &'a [u8],
    pub cofactor: Option<&'a [u8]>,
}

pub fn ec_parameters(content: &[u8]) -> Option<EcParameters<'_>> {
    let mut seq = Reader::new(content);
    let version = seq.expect(INTEGER)?;
    let mut field = Reader::new(seq.expect(SEQUENCE)?);
    let field_type = field.expect(OBJECT_IDENTIFIER)?;
    let prime = field.expect(INTEGER)?;
    let mut curve = Reader::new(seq.expect(SEQUENCE)?);
    let a = curve.expect(OCTET_STRING)?;
    let b = curve.expect(OCTET_STRING)?;
    curve.optional(BIT_STRING); // the seed
    let base = seq.expect(OCTET_STRING)?;
    let order = seq.expect(INTEGER)?;
    let cofactor = seq.optional(INTEGER);
    (field.is_empty() && curve.is_empty() && seq.is_empty()).then_some(EcParameters {
        version,
        field_type,
        prime,
        a,
        b,
        base,
        order,
        cofactor,
    })
}

/// A big-endian unsigned integer without its leading zero bytes.
pub fn unsigned(int: &[u8]) -> &[u8] {
    let start = int.iter().position(|&b| b != 0).unwrap_or(int.len());
    &int[start..]
}

/// The modulus and public exponent of a PKCS#1 RSAPublicKey, without leading zeros.
pub fn rsa_public_key(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut seq = Reader::new(Reader::new(der).expect(SEQUENCE)?);
    let n = seq.expect(INTEGER)?;
    let e = seq.expect(INTEGER)?;
    Some((unsigned(n), unsigned(e)))
}

/// The modulus and public exponent of a PKCS#1 RSAPrivateKey.
pub fn rsa_private_key_public_part(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut seq = Reader::new(Reader::new(der).expect(SEQUENCE)?);
    seq.expect(INTEGER)?;
    let n = seq.expect(INTEGER)?;
    let e = seq.expect(INTEGER)?;
    Some((unsigned(n), unsigned(e)))
}

/// The number of bits in a big-endian unsigned integer.
pub fn bit_length(int: &[u8]) -> usize {
    let int = unsigned(int);
    match int.first() {
        Some(&top) => int.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_long_form_lengths() {
        let mut der = vec![SEQUENCE, 0x81, 200];
        der.extend(std::iter::repeat_n(0u8, 200));
        let mut reader = Reader::new(&der);
        let (tag, value) = reader.next().unwrap();
        assert_eq!(tag, SEQUENCE);
        assert_eq!(value.len(), 200);
    }

    #[test]
    fn refuses_truncated_input() {
        assert!(Reader::new(&[SEQUENCE, 0x05, 1, 2]).next().is_none());
        assert!(Reader::new(&[SEQUENCE, 0x85, 1, 1, 1, 1, 1])
            .next()
            .is_none());
        assert!(spki(&[]).is_none());
        assert!(pkcs8(&[0x30]).is_none());
        assert!(ec_parameters(&[]).is_none());
        assert!(ec_private_key(&[0x30, 0x03, 0x02, 0x01]).is_none());
    }

    #[test]
    fn writes_what_it_reads() {
        let long = vec![7u8; 300];
        let der = tlv(OCTET_STRING, &long);
        assert_eq!(&der[..4], &[OCTET_STRING, 0x82, 0x01, 0x2c]);
        assert_eq!(Reader::new(&der).expect(OCTET_STRING), Some(&long[..]));
        assert_eq!(tlv(INTEGER, &[5]), [INTEGER, 1, 5]);
    }

    #[test]
    fn reads_sec1_private_keys() {
        let mut body = tlv(INTEGER, &[1]);
        body.extend(tlv(OCTET_STRING, &[9; 32]));
        body.extend(tlv(CONTEXT_0, &tlv(OBJECT_IDENTIFIER, &[1, 2])));
        body.extend(tlv(CONTEXT_1, &tlv(BIT_STRING, &[0, 4, 1, 2])));
        let der = tlv(SEQUENCE, &body);
        let key = ec_private_key(&der).unwrap();
        assert_eq!(key.private_key, &[9; 32]);
        assert_eq!(
            key.parameters,
            Some(Tlv {
                tag: OBJECT_IDENTIFIER,
                value: &[1, 2]
            })
        );
        assert_eq!(key.public_key, Some(&[0, 4, 1, 2][..]));
        // Version 1 only, and nothing after the public key.
        let mut other = tlv(INTEGER, &[2]);
        other.extend(tlv(OCTET_STRING, &[9; 32]));
        assert!(ec_private_key(&tlv(SEQUENCE, &other)).is_none());
        body.extend(tlv(INTEGER, &[0]));
        assert!(ec_private_key(&tlv(SEQUENCE, &body)).is_none());
    }

    #[test]
    fn counts_bits() {
        assert_eq!(bit_length(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_length(&[0x01]), 1);
        assert_eq!(bit_length(&[]), 0);
    }
}
