//! Explicit EC parameters: the parameters OpenSSL writes for P-256, P-384 and P-521 are those curves; any change
//! to the version, the field, a, b, G, n or h is refused, in the parameters alone and in a key that carries them.
//! The seed (how b was made) is not part of the curve.

use proptest::prelude::*;
use ringjwt::curve::Curve;
use ringjwt::der::{self, tlv, Tlv};
use ringjwt::error::Code;
use ringjwt::key::Key;

use super::config;

const FIXTURES: [(Curve, &str); 3] = [
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
];

fn pem(text: &str) -> Vec<u8> {
    use base64::Engine;
    let body: String = text
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

/// The fields of an ECParameters SEQUENCE, in order: version, field type, p, a, b, seed, G, n, h.
type Fields = [Vec<u8>; 9];

fn fields(curve_index: usize) -> (Fields, Vec<u8>) {
    let der = pem(FIXTURES[curve_index].1);
    let spki = der::spki(&der).unwrap();
    let p = der::ec_parameters(spki.parameters.unwrap().value).unwrap();
    let fields = [
        p.version.to_vec(),
        p.field_type.to_vec(),
        p.prime.to_vec(),
        p.a.to_vec(),
        p.b.to_vec(),
        vec![0, 0xc4, 0x9d, 0x36, 0x08],
        p.base.to_vec(),
        p.order.to_vec(),
        p.cofactor.unwrap_or(&[1]).to_vec(),
    ];
    (fields, spki.key.to_vec())
}

/// The SEQUENCE contents, as RFC 3279 §2.3.5 lays them out.
fn encode(f: &Fields) -> Vec<u8> {
    let mut field_id = tlv(der::OBJECT_IDENTIFIER, &f[1]);
    field_id.extend(tlv(der::INTEGER, &f[2]));
    let mut curve = tlv(der::OCTET_STRING, &f[3]);
    curve.extend(tlv(der::OCTET_STRING, &f[4]));
    curve.extend(tlv(der::BIT_STRING, &f[5]));
    let mut body = tlv(der::INTEGER, &f[0]);
    body.extend(tlv(der::SEQUENCE, &field_id));
    body.extend(tlv(der::SEQUENCE, &curve));
    body.extend(tlv(der::OCTET_STRING, &f[6]));
    body.extend(tlv(der::INTEGER, &f[7]));
    body.extend(tlv(der::INTEGER, &f[8]));
    body
}

fn read(params: &[u8]) -> ringjwt::error::Result<Curve> {
    Curve::from_parameters(Some(Tlv {
        tag: der::SEQUENCE,
        value: params,
    }))
}

/// An SPKI of the fixture's public point under these parameters.
fn key_with(params: &[u8], point: &[u8]) -> Vec<u8> {
    let mut algorithm = tlv(
        der::OBJECT_IDENTIFIER,
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01],
    );
    algorithm.extend(tlv(der::SEQUENCE, params));
    super::keys::spki(&algorithm, point)
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn any_change_to_the_curve_is_refused(
        curve_index in 0usize..3,
        // Every field but the seed (5).
        field in prop::sample::select(vec![0usize, 1, 2, 3, 4, 6, 7, 8]),
        byte in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let (mut f, point) = fields(curve_index);
        prop_assert_eq!(read(&encode(&f)).unwrap(), FIXTURES[curve_index].0);
        let at = byte.index(f[field].len());
        f[field][at] ^= flip;
        let params = encode(&f);
        let message = "explicit elliptic curve parameters are not those of P-256, P-384 or P-521";
        let err = read(&params).unwrap_err();
        prop_assert_eq!((err.code, err.message.as_ref()), (Code::CurveUnknown, message));
        let err = Key::from_spki(&key_with(&params, &point)).unwrap_err();
        prop_assert_eq!(err.code, Code::CurveUnknown);
    }

    #[test]
    fn an_integer_without_one_of_its_bytes_is_refused(
        curve_index in 0usize..3,
        field in prop::sample::select(vec![2usize, 7]),
        byte in any::<prop::sample::Index>(),
    ) {
        // Dropping p's or n's leading zero leaves the magnitude but makes a negative INTEGER; any other byte, the
        // magnitude.
        let (mut f, _) = fields(curve_index);
        let at = byte.index(f[field].len());
        f[field].remove(at);
        prop_assert_eq!(read(&encode(&f)).unwrap_err().code, Code::CurveUnknown);
    }

    #[test]
    fn another_seed_is_the_same_curve(curve_index in 0usize..3, seed in prop::collection::vec(any::<u8>(), 1..40)) {
        let (mut f, point) = fields(curve_index);
        f[5] = seed;
        let params = encode(&f);
        prop_assert_eq!(read(&params).unwrap(), FIXTURES[curve_index].0);
        prop_assert_eq!(Key::from_spki(&key_with(&params, &point)).unwrap().curve(), Some(FIXTURES[curve_index].0));
    }

    #[test]
    fn another_curves_field_in_place_of_one_is_refused(
        (target, donor) in (0usize..3, 0usize..3).prop_filter("two curves", |(a, b)| a != b),
        field in prop::sample::select(vec![2usize, 3, 4, 6, 7]),
    ) {
        let (mut f, _) = fields(target);
        f[field] = fields(donor).0[field].clone();
        prop_assert_eq!(read(&encode(&f)).unwrap_err().code, Code::CurveUnknown);
    }
}
