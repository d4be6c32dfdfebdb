'use strict'
// Native signers and verifiers reach JS as handles (napi Externals) that the addon's per-token functions take as
// their first argument: a call costs about 0.1 µs less than a method of a native class (see
// src/binding/signer.rs). These objects give the handles the method form the rest of lib/ uses, so that the
// wrappers for RSA keys under 2048 bits and RegExp audiences can stand in for them. `sign` and `verify`, the calls
// every token makes, are native functions bound to their handle, which skip napi-rs's per-call work (0.1–0.2 µs;
// see src/binding/bound.rs).

const native = require('./native')

function boundSigner(handle) {
  return {
    sign: native.boundSign(handle),
    signBytes: (header, payload) => native.signBytes(handle, header, payload),
    signAsync: (header, payload) => native.signAsync(handle, header, payload),
    signAsyncCancellable: (header, payload, cancellation) =>
      native.signAsyncCancellable(handle, header, payload, cancellation),
  }
}

function boundVerifier(handle) {
  return {
    // For the native decrypter of nested tokens, which checks the signed token inside with this verifier.
    handle,
    verify: native.boundVerify(handle),
    verifyComplete: (token, now) => native.verifyComplete(handle, token, now),
    finishAudience: (payload, now, matched) => native.finishAudience(handle, payload, now, matched),
    verifyLegacyRsa: (token, now, signatureValid) => native.verifyLegacyRsa(handle, token, now, signatureValid),
    verifyAsync: (token, now) => native.verifyAsync(handle, token, now),
    verifyAsyncCancellable: (token, now, cancellation) =>
      native.verifyAsyncCancellable(handle, token, now, cancellation),
  }
}

module.exports = { boundSigner, boundVerifier }
