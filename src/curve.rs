//! The elliptic curves ringjwt serves (P-256, P-384, P-521) and how a key names its curve: by OID, or by
//! explicit parameters (RFC 3279 §2.3.5, what `openssl ecparam -param_enc explicit` writes).
//!
//! Explicit parameters are accepted only when they are exactly one of the three curves: the field prime, the
//! coefficients a and b, the base point G, the order n and the cofactor h all compared (the seed only documents
//! how b was made and is not part of the curve). Anything else is refused: a key that brings its own generator
//! or coefficients is how CVE-2020-0601 spoofed signatures.

use crate::algorithm::Algorithm;
use crate::der;
use crate::error::{Code, Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
}

/// A curve's domain parameters as SEC 2 gives them, in hex. `a` is p − 3 for all three.
struct Domain {
    p: &'static str,
    a: &'static str,
    b: &'static str,
    gx: &'static str,
    gy: &'static str,
    n: &'static str,
}

const P256: Domain = Domain {
    p: "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF",
    a: "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC",
    b: "5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B",
    gx: "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296",
    gy: "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5",
    n: "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
};

const P384: Domain = Domain {
    p: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF",
    a: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFC",
    b: "B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF",
    gx: "AA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7",
    gy: "3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F",
    n: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
};

const P521: Domain = Domain {
    p: "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
    a: "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC",
    b: "0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00",
    gx: "00C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348B3C1856A429BF97E7E31C2E5BD66",
    gy: "011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E662C97EE72995EF42640C550B9013FAD0761353C7086A272C24088BE94769FD16650",
    n: "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409",
};

/// The OID of a prime field (X9.62 `prime-field`), the only field type of the three curves.
const PRIME_FIELD: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x01, 0x01];

impl Curve {
    const ALL: [Curve; 3] = [Self::P256, Self::P384, Self::P521];

    /// The OpenSSL name, as jsonwebtoken's messages and node:crypto's `namedCurve` spell it.
    pub fn openssl_name(self) -> &'static str {
        match self {
            Self::P256 => "prime256v1",
            Self::P384 => "secp384r1",
            Self::P521 => "secp521r1",
        }
    }

    /// The named-curve OID (RFC 5480 §2.1.1.1).
    pub fn oid(self) -> &'static [u8] {
        match self {
            Self::P256 => &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
            Self::P384 => &[0x2b, 0x81, 0x04, 0x00, 0x22],
            Self::P521 => &[0x2b, 0x81, 0x04, 0x00, 0x23],
        }
    }

    pub fn for_algorithm(alg: Algorithm) -> Option<Self> {
        match alg {
            Algorithm::ES256 => Some(Self::P256),
            Algorithm::ES384 => Some(Self::P384),
            Algorithm::ES512 => Some(Self::P521),
            _ => None,
        }
    }

    /// Bytes in a field element; an uncompressed point is `04 || x || y`.
    pub fn field_len(self) -> usize {
        match self {
            Self::P256 => 32,
            Self::P384 => 48,
            Self::P521 => 66,
        }
    }

    pub fn point_len(self) -> usize {
        1 + 2 * self.field_len()
    }

    fn domain(self) -> &'static Domain {
        match self {
            Self::P256 => &P256,
            Self::P384 => &P384,
            Self::P521 => &P521,
        }
    }

    /// The curve an EC key's AlgorithmIdentifier parameters name: a named-curve OID, or explicit parameters
    /// equal to one of the three curves.
    pub fn from_parameters(parameters: Option<der::Tlv<'_>>) -> Result<Self> {
        match parameters {
            Some(der::Tlv {
                tag: der::OBJECT_IDENTIFIER,
                value,
            }) => Self::ALL
                .into_iter()
                .find(|curve| curve.oid() == value)
                .ok_or_else(|| Error::new(Code::KeyUnsupported, "unsupported elliptic curve")),
            Some(der::Tlv {
                tag: der::SEQUENCE,
                value,
            }) => Self::from_explicit(value),
            _ => Err(Error::new(
                Code::KeyUnsupported,
                "unsupported elliptic curve",
            )),
        }
    }

    /// The curve whose domain parameters these are, if it is one of the three.
    fn from_explicit(sequence: &[u8]) -> Result<Self> {
        let unknown = || {
            Error::new(
                Code::CurveUnknown,
                "explicit elliptic curve parameters are not those of P-256, P-384 or P-521",
            )
        };
        let params = der::ec_parameters(sequence).ok_or_else(unknown)?;
        if params.version != [1] || params.field_type != PRIME_FIELD {
            return Err(unknown());
        }
        // The cofactor is optional (RFC 3279 §2.3.5); when present it must be 1, as it is for all three curves.
        if params.cofactor.is_some_and(|h| der::unsigned(h) != [1]) {
            return Err(unknown());
        }
        Self::ALL
            .into_iter()
            .find(|curve| {
                let domain = curve.domain();
                same_positive_integer(params.prime, domain.p)
                    && same_integer(params.a, domain.a)
                    && same_integer(params.b, domain.b)
                    && same_positive_integer(params.order, domain.n)
                    && curve.is_generator(params.base)
            })
            .ok_or_else(unknown)
    }

    /// Whether `point` (SEC 1 §2.3.3) encodes this curve's G, uncompressed or compressed.
    fn is_generator(self, point: &[u8]) -> bool {
        let domain = self.domain();
        let (gx, gy) = (hex(domain.gx), hex(domain.gy));
        let len = self.field_len();
        match point.split_first() {
            Some((4, xy)) if xy.len() == 2 * len => {
                let (x, y) = xy.split_at(len);
                same_padded(x, &gx, len) && same_padded(y, &gy, len)
            }
            Some((&prefix @ (2 | 3), x)) if x.len() == len => {
                let y_is_odd = gy.last().is_some_and(|b| b & 1 == 1);
                same_padded(x, &gx, len) && (prefix == 3) == y_is_odd
            }
            _ => false,
        }
    }
}

fn hex(text: &str) -> Vec<u8> {
    text.as_bytes()
        .chunks(2)
        .map(|pair| {
            let digit = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
            digit(pair[0]) << 4 | digit(pair[1])
        })
        .collect()
}

/// Compares an INTEGER or field-element OCTET STRING with a hex constant as unsigned numbers: encoders differ
/// on leading zeros, the curve does not.
fn same_integer(bytes: &[u8], expected: &str) -> bool {
    der::unsigned(bytes) == der::unsigned(&hex(expected))
}

/// An INTEGER equal to `expected`: DER INTEGERs are signed, so one whose top bit is set is negative, whatever its
/// magnitude (p and n without the leading zero byte their top bit needs are not p and n).
fn same_positive_integer(int: &[u8], expected: &str) -> bool {
    int.first().is_some_and(|&top| top & 0x80 == 0) && same_integer(int, expected)
}

/// A fixed-width coordinate: exactly `len` bytes, equal to `expected` (padded to `len`).
fn same_padded(bytes: &[u8], expected: &[u8], len: usize) -> bool {
    bytes.len() == len && der::unsigned(bytes) == der::unsigned(expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Explicit parameters as OpenSSL writes them, built from a domain with one field changed by `edit`.
    fn explicit(curve: Curve, edit: impl FnOnce(&mut Vec<Vec<u8>>)) -> Vec<u8> {
        explicit_with(curve, edit, |v| {
            let mut v = der::unsigned(v).to_vec();
            if v.first().is_none_or(|b| b & 0x80 != 0) {
                v.insert(0, 0);
            }
            der::tlv(der::INTEGER, &v)
        })
    }

    /// `explicit`, with the INTEGERs (version, p, n, h) written by `integer`.
    fn explicit_with(
        curve: Curve,
        edit: impl FnOnce(&mut Vec<Vec<u8>>),
        integer: impl Fn(&[u8]) -> Vec<u8>,
    ) -> Vec<u8> {
        let d = curve.domain();
        let len = curve.field_len();
        let pad = |text: &str| {
            let bytes = hex(text);
            let mut out = vec![0; len.saturating_sub(der::unsigned(&bytes).len())];
            out.extend_from_slice(der::unsigned(&bytes));
            out
        };
        let mut g = vec![4];
        g.extend(pad(d.gx));
        g.extend(pad(d.gy));
        // version, p, a, b, seed, G, n, h
        let mut fields = vec![
            vec![1],
            hex(d.p),
            pad(d.a),
            pad(d.b),
            vec![0, 0xc4, 0x9d],
            g,
            hex(d.n),
            vec![1],
        ];
        edit(&mut fields);
        let mut field_id = der::tlv(der::OBJECT_IDENTIFIER, PRIME_FIELD);
        field_id.extend(integer(&fields[1]));
        let mut curve_seq = der::tlv(der::OCTET_STRING, &fields[2]);
        curve_seq.extend(der::tlv(der::OCTET_STRING, &fields[3]));
        if !fields[4].is_empty() {
            curve_seq.extend(der::tlv(der::BIT_STRING, &fields[4]));
        }
        let mut body = der::tlv(der::INTEGER, &fields[0]);
        body.extend(der::tlv(der::SEQUENCE, &field_id));
        body.extend(der::tlv(der::SEQUENCE, &curve_seq));
        body.extend(der::tlv(der::OCTET_STRING, &fields[5]));
        body.extend(integer(&fields[6]));
        if !fields[7].is_empty() {
            body.extend(integer(&fields[7]));
        }
        body
    }

    fn read(params: &[u8]) -> Result<Curve> {
        Curve::from_parameters(Some(der::Tlv {
            tag: der::SEQUENCE,
            value: params,
        }))
    }

    #[test]
    fn the_three_curves_are_recognised_by_their_parameters() {
        for curve in Curve::ALL {
            assert_eq!(read(&explicit(curve, |_| {})).unwrap(), curve);
            // Without the seed, and without the cofactor.
            assert_eq!(read(&explicit(curve, |f| f[4].clear())).unwrap(), curve);
            assert_eq!(read(&explicit(curve, |f| f[7].clear())).unwrap(), curve);
            // G compressed.
            let compressed = explicit(curve, |f| {
                let odd = f[5].last().unwrap() & 1;
                let len = curve.field_len();
                f[5] = [vec![2 + odd], f[5][1..=len].to_vec()].concat();
            });
            assert_eq!(read(&compressed).unwrap(), curve);
        }
    }

    #[test]
    fn any_other_parameters_are_refused() {
        fn flip_last(v: &mut [u8]) {
            *v.last_mut().unwrap() ^= 1;
        }
        type Edit = fn(&mut Vec<Vec<u8>>);
        let edits: [(&str, Edit); 9] = [
            ("version", |f| f[0] = vec![2]),
            ("p", |f| flip_last(&mut f[1])),
            ("a", |f| flip_last(&mut f[2])),
            ("b", |f| flip_last(&mut f[3])),
            ("G", |f| flip_last(&mut f[5])),
            ("n", |f| flip_last(&mut f[6])),
            ("h", |f| f[7] = vec![2]),
            ("G of the wrong parity", |f| {
                let x = f[5][1..33].to_vec();
                let odd = f[5].last().unwrap() & 1;
                f[5] = [vec![3 - odd], x].concat();
            }),
            ("G hybrid", |f| f[5][0] = 6),
        ];
        for (what, edit) in edits {
            let err = read(&explicit(Curve::P256, edit)).unwrap_err();
            assert_eq!(
                (err.code, err.message.as_ref()),
                (
                    Code::CurveUnknown,
                    "explicit elliptic curve parameters are not those of P-256, P-384 or P-521"
                ),
                "{what}"
            );
        }
        // P-256's generator on P-384's field is no curve at all.
        let mixed = explicit(Curve::P384, |f| {
            f[5] = explicit_generator(Curve::P256);
        });
        assert_eq!(read(&mixed).unwrap_err().code, Code::CurveUnknown);
        assert_eq!(read(&[0x30, 0x00]).unwrap_err().code, Code::CurveUnknown);
        assert_eq!(read(&[]).unwrap_err().code, Code::CurveUnknown);
    }

    #[test]
    fn integers_are_read_with_their_sign() {
        // Found by the property tests: p and n written without the zero byte their top bit needs are negative
        // INTEGERs, which were taken for P-256's and P-384's p and n.
        let unsigned = |v: &[u8]| der::tlv(der::INTEGER, der::unsigned(v));
        for curve in [Curve::P256, Curve::P384] {
            let err = read(&explicit_with(curve, |_| {}, unsigned)).unwrap_err();
            assert_eq!(err.code, Code::CurveUnknown, "{curve:?}");
        }
        // P-521's p and n begin with 0x01: the same bytes are the positive INTEGERs.
        assert_eq!(
            read(&explicit_with(Curve::P521, |_| {}, unsigned)).unwrap(),
            Curve::P521
        );
    }

    fn explicit_generator(curve: Curve) -> Vec<u8> {
        [vec![4], hex(curve.domain().gx), hex(curve.domain().gy)].concat()
    }

    #[test]
    fn named_curves_by_oid() {
        for curve in Curve::ALL {
            let named = Curve::from_parameters(Some(der::Tlv {
                tag: der::OBJECT_IDENTIFIER,
                value: curve.oid(),
            }));
            assert_eq!(named.unwrap(), curve);
        }
        // secp256k1
        let k256 = Curve::from_parameters(Some(der::Tlv {
            tag: der::OBJECT_IDENTIFIER,
            value: &[0x2b, 0x81, 0x04, 0x00, 0x0a],
        }));
        assert_eq!(k256.unwrap_err().code, Code::KeyUnsupported);
        let implicit = Curve::from_parameters(Some(der::Tlv {
            tag: 0x05,
            value: &[],
        }));
        assert_eq!(implicit.unwrap_err().code, Code::KeyUnsupported);
        assert_eq!(
            Curve::from_parameters(None).unwrap_err().code,
            Code::KeyUnsupported
        );
    }
}
