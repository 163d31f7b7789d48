//! Tests of the encryption: RFC 8291 Appendix A byte for byte, RFC 8188's
//! framing, and decryption refusing what it must. Not the Worker's WebCrypto
//! primitives: the edge's own tests run those.

use super::*;

#[test]
fn constants_add_up() {
    assert_eq!(HEADER_LEN, 86);
    assert_eq!(OVERHEAD, 103);
    assert_eq!(MAX_RECORD_PLAINTEXT, 4079);
    assert!(crate::payload::MAX_PLAINTEXT + OVERHEAD <= RECORD_SIZE as usize);
}

/// Answers with fixed values: the framing checked without any real
/// cryptography.
struct Fake;

impl Primitives for Fake {
    type Error = ();
    async fn agree(&self, ua_public: &[u8]) -> Result<(Vec<u8>, Vec<u8>), ()> {
        if ua_public.len() != 65 {
            return Err(());
        }
        let mut public = vec![0xAA; 65];
        public[0] = 4;
        Ok((vec![1; 32], public))
    }
    async fn hmac_sha256(&self, key: &[u8], data: &[u8]) -> Result<Vec<u8>, ()> {
        Ok((0..32).map(|i| key.len() as u8 ^ data.len() as u8 ^ i).collect())
    }
    async fn aes128gcm(&self, key: &[u8], nonce: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, ()> {
        assert_eq!((key.len(), nonce.len()), (16, 12));
        let mut sealed = plaintext.to_vec();
        sealed.extend([0xEE; 16]);
        Ok(sealed)
    }
}

#[test]
fn the_header_is_salt_record_size_key_id_then_one_record() {
    let salt = [7u8; 16];
    let body = futures_executor::block_on(encrypt(&Fake, &[4; 65], &[9; 16], salt, b"hi")).unwrap();
    assert_eq!(&body[..16], &salt);
    assert_eq!(&body[16..20], &[0, 0, 0x10, 0]); // 4096, big-endian
    assert_eq!(body[20], 65);
    assert_eq!(body[21], 4);
    assert_eq!(&body[22..86], &[0xAA; 64][..]);
    assert_eq!(&body[86..], &[b'h', b'i', 2, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE][..]);
    assert_eq!(body.len(), b"hi".len() + OVERHEAD);
}

#[test]
fn a_primitive_s_error_is_the_caller_s() {
    assert_eq!(futures_executor::block_on(encrypt(&Fake, &[4; 10], &[9; 16], [0; 16], b"hi")), Err(()));
}

#[test]
fn a_plaintext_too_big_for_a_record_gets_a_record_size_that_fits() {
    let plaintext = vec![b'x'; 5000];
    let body = futures_executor::block_on(encrypt(&Fake, &[4; 65], &[9; 16], [0; 16], &plaintext)).unwrap();
    let rs = u32::from_be_bytes(body[16..20].try_into().unwrap()) as usize;
    assert_eq!(rs, body.len() - HEADER_LEN);
}

#[cfg(feature = "native")]
mod native {
    use super::*;
    use crate::unb64;

    // RFC 8291 Appendix A.
    const PLAINTEXT: &str = "When I grow up, I want to be a watermelon";
    const AS_PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    const AS_PUBLIC: &str = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    const UA_PRIVATE: &str = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    const UA_PUBLIC: &str = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
    const SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
    const BODY: &str = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    fn bytes(text: &str) -> Vec<u8> {
        unb64(text).expect("test vectors are base64url")
    }

    fn array<const N: usize>(text: &str) -> [u8; N] {
        bytes(text).try_into().expect("test vector of the right length")
    }

    fn vector_body() -> Vec<u8> {
        let primitives = NativePrimitives::with_sender_key(array(AS_PRIVATE));
        futures_executor::block_on(encrypt(&primitives, &bytes(UA_PUBLIC), &bytes(AUTH), array(SALT), PLAINTEXT.as_bytes()))
            .unwrap()
    }

    #[test]
    fn rfc8291_appendix_a_encrypts_byte_for_byte() {
        let body = vector_body();
        assert_eq!(crate::b64(&body), BODY);
        assert_eq!(&body[21..86], &bytes(AS_PUBLIC)[..]);
    }

    #[test]
    fn rfc8291_appendix_a_decrypts() {
        let plaintext = decrypt(&array(UA_PRIVATE), &bytes(AUTH), &bytes(BODY)).unwrap();
        assert_eq!(plaintext, PLAINTEXT.as_bytes());
    }

    #[test]
    fn random_sender_keys_round_trip_and_differ() {
        let primitives = NativePrimitives::random();
        let encrypt_once = || {
            futures_executor::block_on(encrypt(&primitives, &bytes(UA_PUBLIC), &bytes(AUTH), [3; 16], b"{\"a\":1}")).unwrap()
        };
        let (one, two) = (encrypt_once(), encrypt_once());
        assert_ne!(one[21..86], two[21..86], "a new sender key per message");
        for body in [one, two] {
            assert_eq!(decrypt(&array(UA_PRIVATE), &bytes(AUTH), &body).unwrap(), b"{\"a\":1}");
        }
    }

    #[test]
    fn any_tampered_byte_fails() {
        let body = vector_body();
        // The record size (bytes 16..20) is framing, not authenticated: a
        // larger one still reads the single record.
        for at in (0..body.len()).filter(|at| !(16..20).contains(at)) {
            let mut tampered = body.clone();
            tampered[at] ^= 0x01;
            assert!(decrypt(&array(UA_PRIVATE), &bytes(AUTH), &tampered).is_err(), "byte {at} tampered");
        }
    }

    #[test]
    fn a_wrong_auth_secret_fails() {
        assert!(decrypt(&array(UA_PRIVATE), &[0; 16], &bytes(BODY)).is_err());
    }

    #[test]
    fn short_bodies_fail() {
        let body = vector_body();
        for len in [0, 1, 20, 21, 85, 86, 86 + 16, body.len() - 1] {
            assert!(decrypt(&array(UA_PRIVATE), &bytes(AUTH), &body[..len]).is_err(), "{len} bytes");
        }
    }

    #[test]
    fn a_record_longer_than_the_record_size_fails() {
        let mut body = vector_body();
        body[16..20].copy_from_slice(&20u32.to_be_bytes());
        assert!(decrypt(&array(UA_PRIVATE), &bytes(AUTH), &body).unwrap_err().contains("more than one record"));
    }

    #[test]
    fn a_bad_ua_key_is_an_error_not_a_panic() {
        let primitives = NativePrimitives::random();
        let result = futures_executor::block_on(encrypt(&primitives, &[4; 65], &bytes(AUTH), [0; 16], b"x"));
        assert!(result.is_err());
        let result = futures_executor::block_on(encrypt(&primitives, &[], &bytes(AUTH), [0; 16], b"x"));
        assert!(result.is_err());
    }
}
