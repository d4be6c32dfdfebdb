//! `Curve::from_parameters` with explicit EC parameters (RFC 3279 §2.3.5), the way CVE-2020-0601 was exploited:
//! a key that brings its own curve.
//!
//! Input: `0x80` and the contents of an ECParameters SEQUENCE; or a base (one of the three curves' parameters,
//! as OpenSSL writes them or built here from SEC 2, with and without the seed, with G compressed) chosen by the
//! first byte, followed by edits of four bytes each (what, position (2 bytes), value): flip, insert, delete,
//! set. With bit 6 of the first byte the edits apply to the contents of one field each (the first byte of an
//! edit picks the field) and the parameters are written again with the lengths right: random bytes rarely get
//! both a field and its lengths right.
//!
//! Invariants:
//! - accepted parameters are, read by the DER walker here, exactly one of the three curves: version 1, the prime
//!   field, and p, a, b, G, n and h (when present) equal to SEC 2's values, INTEGERs non-negative, G on the
//!   right curve and of the right parity when compressed; the curve reported is that one;
//! - unedited bases are accepted as their curve;
//! - a refusal is `ERR_KEY_CURVE_UNKNOWN`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ringjwt::curve::Curve;
use ringjwt::der::{self, tlv};
use ringjwt::error::Code;

/// SEC 2 §2.4.2, §2.5.1, §2.6.1: p, a, b, Gx, Gy, n.
const DOMAINS: [(Curve, [&str; 6]); 3] = [
    (
        Curve::P256,
        [
            "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF",
            "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC",
            "5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B",
            "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296",
            "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5",
            "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
        ],
    ),
    (
        Curve::P384,
        [
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFC",
            "B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF",
            "AA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7",
            "3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
        ],
    ),
    (
        Curve::P521,
        [
            "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
            "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC",
            "0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00",
            "00C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348B3C1856A429BF97E7E31C2E5BD66",
            "011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E662C97EE72995EF42640C550B9013FAD0761353C7086A272C24088BE94769FD16650",
            "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409",
        ],
    ),
];

const PRIME_FIELD: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x01, 0x01];

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn magnitude(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// A DER INTEGER's value when it is not negative.
fn non_negative(int: &[u8]) -> Option<&[u8]> {
    (int.first().is_some_and(|&b| b < 0x80)).then(|| magnitude(int))
}

/// One TLV with a one-byte tag and a definite length: (tag, value, rest).
fn read(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        first as usize
    } else {
        let count = (first & 0x7f) as usize;
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let len = rest[..count]
            .iter()
            .fold(0usize, |n, &b| n << 8 | b as usize);
        rest = &rest[count..];
        len
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (t, value, rest) = read(input)?;
    (t == tag).then_some((value, rest))
}

/// The curve these parameters are, read by RFC 3279 §2.3.5 and compared with SEC 2, or None.
fn curve_of(content: &[u8]) -> Option<Curve> {
    let (version, rest) = expect(content, der::INTEGER)?;
    let (field, rest) = expect(rest, der::SEQUENCE)?;
    let (curve, rest) = expect(rest, der::SEQUENCE)?;
    let (base, rest) = expect(rest, der::OCTET_STRING)?;
    let (order, rest) = expect(rest, der::INTEGER)?;
    let cofactor = match rest {
        [] => None,
        _ => {
            let (h, rest) = expect(rest, der::INTEGER)?;
            if !rest.is_empty() {
                return None;
            }
            Some(h)
        }
    };
    let (field_type, field_rest) = expect(field, der::OBJECT_IDENTIFIER)?;
    let (prime, field_rest) = expect(field_rest, der::INTEGER)?;
    let (a, curve_rest) = expect(curve, der::OCTET_STRING)?;
    let (b, curve_rest) = expect(curve_rest, der::OCTET_STRING)?;
    if !curve_rest.is_empty() {
        let (_seed, after) = expect(curve_rest, der::BIT_STRING)?;
        if !after.is_empty() {
            return None;
        }
    }
    if version != [1] || field_type != PRIME_FIELD || !field_rest.is_empty() {
        return None;
    }
    if cofactor.is_some_and(|h| non_negative(h) != Some(&[1][..])) {
        return None;
    }
    DOMAINS.iter().find_map(|(curve, [p, ca, cb, gx, gy, n])| {
        let len = curve.field_len();
        let same = |value: Option<&[u8]>, expected: &str| value == Some(magnitude(&hex(expected)));
        let g_ok = match base.split_first() {
            Some((4, xy)) if xy.len() == 2 * len => {
                magnitude(&xy[..len]) == magnitude(&hex(gx))
                    && magnitude(&xy[len..]) == magnitude(&hex(gy))
            }
            Some((&prefix @ (2 | 3), x)) if x.len() == len => {
                magnitude(x) == magnitude(&hex(gx))
                    && (prefix == 3) == (hex(gy).last().unwrap() & 1 == 1)
            }
            _ => false,
        };
        (same(non_negative(prime), p)
            && same(Some(magnitude(a)), ca)
            && same(Some(magnitude(b)), cb)
            && same(non_negative(order), n)
            && g_ok)
            .then_some(*curve)
    })
}

/// The parameters of `curve` as OpenSSL writes them, optionally without the seed or with G compressed.
fn built(index: usize, seed: bool, compressed: bool) -> Vec<u8> {
    let (_, [p, a, b, gx, gy, n]) = DOMAINS[index];
    let integer = |hex_text: &str| {
        let mut v = magnitude(&hex(hex_text)).to_vec();
        if v[0] & 0x80 != 0 {
            v.insert(0, 0);
        }
        tlv(der::INTEGER, &v)
    };
    let len = DOMAINS[index].0.field_len();
    let padded = |hex_text: &str| {
        let v = magnitude(&hex(hex_text)).to_vec();
        [vec![0; len - v.len()], v].concat()
    };
    let mut field = tlv(der::OBJECT_IDENTIFIER, PRIME_FIELD);
    field.extend(integer(p));
    let mut curve = tlv(der::OCTET_STRING, &padded(a));
    curve.extend(tlv(der::OCTET_STRING, &padded(b)));
    if seed {
        curve.extend(tlv(der::BIT_STRING, &[0, 0xc4, 0x9d, 0x36, 0x08]));
    }
    let g = if compressed {
        [vec![2 + (hex(gy).last().unwrap() & 1)], padded(gx)].concat()
    } else {
        [vec![4], padded(gx), padded(gy)].concat()
    };
    let mut body = tlv(der::INTEGER, &[1]);
    body.extend(tlv(der::SEQUENCE, &field));
    body.extend(tlv(der::SEQUENCE, &curve));
    body.extend(tlv(der::OCTET_STRING, &g));
    body.extend(integer(n));
    body.extend(tlv(der::INTEGER, &[1]));
    body
}

/// The parameters inside an SPKI that OpenSSL wrote with `-param_enc explicit`.
fn from_openssl(pem: &str) -> Vec<u8> {
    use base64::Engine;
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    let spki = der::spki(&der).unwrap();
    spki.parameters.unwrap().value.to_vec()
}

fn bases() -> Vec<(Curve, Vec<u8>)> {
    let mut bases = Vec::new();
    for (index, (curve, _)) in DOMAINS.iter().enumerate() {
        for (seed, compressed) in [(true, false), (false, false), (true, true)] {
            bases.push((*curve, built(index, seed, compressed)));
        }
    }
    for (curve, pem) in [
        (
            Curve::P256,
            include_str!("../../__test__/fixtures/ec-explicit/p256-public.pem"),
        ),
        (
            Curve::P384,
            include_str!("../../__test__/fixtures/ec-explicit/p384-public.pem"),
        ),
        (
            Curve::P521,
            include_str!("../../__test__/fixtures/ec-explicit/p521-public.pem"),
        ),
    ] {
        bases.push((curve, from_openssl(pem)));
    }
    bases
}

/// The nine fields of ECParameters contents (version, field type, p, a, b, seed, G, n, h), read with the walker
/// above, for edits field by field; the seed and h are empty when absent.
fn fields_of(content: &[u8]) -> Option<Vec<Vec<u8>>> {
    let (version, rest) = expect(content, der::INTEGER)?;
    let (field, rest) = expect(rest, der::SEQUENCE)?;
    let (curve, rest) = expect(rest, der::SEQUENCE)?;
    let (base, rest) = expect(rest, der::OCTET_STRING)?;
    let (order, rest) = expect(rest, der::INTEGER)?;
    let cofactor = if rest.is_empty() {
        &[][..]
    } else {
        expect(rest, der::INTEGER)?.0
    };
    let (field_type, field_rest) = expect(field, der::OBJECT_IDENTIFIER)?;
    let (prime, _) = expect(field_rest, der::INTEGER)?;
    let (a, curve_rest) = expect(curve, der::OCTET_STRING)?;
    let (b, curve_rest) = expect(curve_rest, der::OCTET_STRING)?;
    let seed = if curve_rest.is_empty() {
        &[][..]
    } else {
        expect(curve_rest, der::BIT_STRING)?.0
    };
    Some(
        [
            version, field_type, prime, a, b, seed, base, order, cofactor,
        ]
        .map(<[u8]>::to_vec)
        .to_vec(),
    )
}

fn encode_fields(f: &[Vec<u8>]) -> Vec<u8> {
    let mut field = tlv(der::OBJECT_IDENTIFIER, &f[1]);
    field.extend(tlv(der::INTEGER, &f[2]));
    let mut curve = tlv(der::OCTET_STRING, &f[3]);
    curve.extend(tlv(der::OCTET_STRING, &f[4]));
    if !f[5].is_empty() {
        curve.extend(tlv(der::BIT_STRING, &f[5]));
    }
    let mut body = tlv(der::INTEGER, &f[0]);
    body.extend(tlv(der::SEQUENCE, &field));
    body.extend(tlv(der::SEQUENCE, &curve));
    body.extend(tlv(der::OCTET_STRING, &f[6]));
    body.extend(tlv(der::INTEGER, &f[7]));
    if !f[8].is_empty() {
        body.extend(tlv(der::INTEGER, &f[8]));
    }
    body
}

/// Edits of four bytes (field and operation, position (2 bytes), value), each within one field's contents.
fn edited_fields(base: &[u8], edits: &[u8]) -> Vec<u8> {
    let mut fields = fields_of(base).expect("the bases read");
    for edit in edits.chunks_exact(4) {
        let field = usize::from(edit[0] >> 2) % fields.len();
        let one = [edit[0] & 3, edit[1], edit[2], edit[3]];
        fields[field] = edited(std::mem::take(&mut fields[field]), &one);
    }
    encode_fields(&fields)
}

fn edited(mut bytes: Vec<u8>, edits: &[u8]) -> Vec<u8> {
    for edit in edits.chunks_exact(4) {
        let position = usize::from(u16::from_be_bytes([edit[1], edit[2]]));
        let value = edit[3];
        match edit[0] % 4 {
            0 if !bytes.is_empty() => {
                let at = position % bytes.len();
                bytes[at] ^= value;
            }
            1 => bytes.insert(position % (bytes.len() + 1), value),
            2 if !bytes.is_empty() => {
                bytes.remove(position % bytes.len());
            }
            3 if !bytes.is_empty() => {
                let at = position % bytes.len();
                bytes[at] = value;
            }
            _ => {}
        }
    }
    bytes
}

fuzz_target!(|data: &[u8]| {
    thread_local! {
        static BASES: Vec<(Curve, Vec<u8>)> = bases();
    }
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let (params, unedited) = if first & 0x80 != 0 {
        (rest.to_vec(), None)
    } else {
        BASES.with(|bases| {
            let (curve, base) = &bases[usize::from(first & 0x3f) % bases.len()];
            let params = if first & 0x40 != 0 {
                edited_fields(base, rest)
            } else {
                edited(base.clone(), rest)
            };
            let unedited = (&params == base).then_some(*curve);
            (params, unedited)
        })
    };
    let result = Curve::from_parameters(Some(der::Tlv {
        tag: der::SEQUENCE,
        value: &params,
    }));
    let expected = curve_of(&params);
    match result {
        Ok(curve) => assert_eq!(
            Some(curve),
            expected,
            "accepted parameters that are not that curve"
        ),
        Err(err) => {
            assert_eq!(err.code, Code::CurveUnknown);
            assert_eq!(
                unedited, None,
                "the unedited parameters of a curve were refused"
            );
            assert_eq!(expected, None, "refused the parameters of {expected:?}");
        }
    }
});
