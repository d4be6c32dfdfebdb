//! Just enough DER to take apart the containers node:crypto exports (PKCS#8, SPKI, PKCS#1). ring parses the
//! keys themselves; this only finds them inside their wrappers.

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const OBJECT_IDENTIFIER: u8 = 0x06;

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
}

/// A SubjectPublicKeyInfo: the algorithm OID, its parameter when that is an OID (the named curve of an EC
/// key), and the public key.
pub struct Spki<'a> {
    pub algorithm: &'a [u8],
    pub parameter: Option<&'a [u8]>,
    pub key: &'a [u8],
}

pub fn spki(der: &[u8]) -> Option<Spki<'_>> {
    let mut outer = Reader::new(Reader::new(der).expect(SEQUENCE)?);
    let mut algorithm = Reader::new(outer.expect(SEQUENCE)?);
    let oid = algorithm.expect(OBJECT_IDENTIFIER)?;
    let parameter = algorithm.expect(OBJECT_IDENTIFIER);
    let bits = outer.expect(BIT_STRING)?;
    let (&unused, key) = bits.split_first()?;
    (unused == 0).then_some(Spki {
        algorithm: oid,
        parameter,
        key,
    })
}

/// The algorithm OID and the inner private key of a PKCS#8 PrivateKeyInfo.
pub fn pkcs8(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut outer = Reader::new(Reader::new(der).expect(SEQUENCE)?);
    outer.expect(INTEGER)?;
    let oid = Reader::new(outer.expect(SEQUENCE)?).expect(OBJECT_IDENTIFIER)?;
    Some((oid, outer.expect(OCTET_STRING)?))
}

fn unsigned(int: &[u8]) -> &[u8] {
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
    }

    #[test]
    fn counts_bits() {
        assert_eq!(bit_length(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_length(&[0x01]), 1);
        assert_eq!(bit_length(&[]), 0);
    }
}
