//! `sign` and `verify` as Node-API functions bound to one signer or verifier: the two calls every token makes.
//!
//! A `#[napi]` function opens napi-rs's borrow scope on every call and looks its External argument up in a
//! process-wide table, 0.1–0.2 µs a call, about a tenth of a small token's sign. A function made here with
//! `napi_create_function` carries its own signer or verifier as its data: nothing else can reach the callback
//! through that pointer, so there is nothing to look up. The arguments are read and the result returned with the
//! conversions (and the errors) of the `#[napi]` functions beside them in `signer.rs` and `verifier.rs`.

use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use napi::bindgen_prelude::{External, FromNapiValue, ToNapiValue, TypeName};
use napi::{check_status, sys, Env, Error, JsError, Result, Status, ValueType};
use napi_derive::napi;

use super::signer::Signer;
use super::text::{self, JsString, JsText};
use super::verifier::Verifier;

/// A JS function made here, returned as it is.
pub struct BoundFunction(sys::napi_value);

impl TypeName for BoundFunction {
    fn type_name() -> &'static str {
        "Function"
    }

    fn value_type() -> ValueType {
        ValueType::Function
    }
}

impl ToNapiValue for BoundFunction {
    unsafe fn to_napi_value(_env: sys::napi_env, value: Self) -> Result<sys::napi_value> {
        Ok(value.0)
    }
}

type Callback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;

/// A function named `name` whose calls run `callback` with `value` as their data; `value` is dropped when the
/// function is garbage-collected.
fn bind<T>(env: Env, name: &str, value: T, callback: Callback) -> Result<BoundFunction> {
    let env = env.raw();
    let data = Box::into_raw(Box::new(value)).cast::<c_void>();
    let mut function = ptr::null_mut();
    // SAFETY: `name` is valid for its length; `data` lives until the finalizer below drops it.
    let created = unsafe {
        sys::napi_create_function(
            env,
            name.as_ptr().cast(),
            name.len() as isize,
            Some(callback),
            data,
            &mut function,
        )
    };
    let wrapped = if created == sys::Status::napi_ok {
        // SAFETY: `function` is a new object that nothing else wraps.
        unsafe {
            sys::napi_wrap(
                env,
                function,
                data,
                Some(release::<T>),
                ptr::null_mut(),
                ptr::null_mut(),
            )
        }
    } else {
        created
    };
    if wrapped != sys::Status::napi_ok {
        // SAFETY: no finalizer owns `data` (a function made without one is never returned, so never called).
        drop(unsafe { Box::from_raw(data.cast::<T>()) });
        check_status!(wrapped, "Failed to create a bound function")?;
    }
    Ok(BoundFunction(function))
}

unsafe extern "C" fn release<T>(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the box `bind` leaked for this function, released once, here.
    drop(unsafe { Box::from_raw(data.cast::<T>()) });
}

/// Reads the call's arguments and data, runs `body`, and returns its value or throws its error. A panic becomes
/// a thrown error rather than crossing into Node.
unsafe fn call<T, const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    body: impl FnOnce(&T, [sys::napi_value; N]) -> Result<sys::napi_value>,
) -> sys::napi_value {
    let mut argc = N;
    let mut argv = [ptr::null_mut(); N];
    let mut data = ptr::null_mut();
    // SAFETY: `argv` holds `argc` values; missing arguments are filled with `undefined`.
    let status = unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            ptr::null_mut(),
            &mut data,
        )
    };
    let result = if status != sys::Status::napi_ok || data.is_null() {
        Err(Error::new(
            Status::GenericFailure,
            "Failed to read the call",
        ))
    } else {
        // SAFETY: `data` is the `T` that `bind` gave this function, alive while the function is.
        let value = unsafe { &*data.cast::<T>() };
        catch_unwind(AssertUnwindSafe(|| body(value, argv))).unwrap_or_else(|_| {
            Err(Error::new(
                Status::GenericFailure,
                "ringjwt: an internal error stopped the call",
            ))
        })
    };
    match result {
        Ok(value) => value,
        Err(err) => {
            // SAFETY: called on the JS thread of `env`, within the callback.
            unsafe { JsError::from(err).throw_into(env) };
            ptr::null_mut()
        }
    }
}

/// `sign(header, payload)` for this signer: a token from the header JSON and the payload text, both written as
/// UTF-8 (RFC 7515 §5.1). jsonwebtoken writes the header as latin1, which differs only for non-ASCII header values:
/// those would not be UTF-8, and `verify` refuses such headers.
#[cfg_attr(test, allow(dead_code))]
#[napi(
    catch_unwind,
    ts_return_type = "(header: string, payload: string) => string"
)]
pub fn bound_sign(
    env: Env,
    #[napi(ts_arg_type = "ExternalObject<'Signer'>")] signer: &External<Signer>,
) -> Result<BoundFunction> {
    bind(env, "sign", Signer::clone(signer), sign_callback)
}

unsafe extern "C" fn sign_callback(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    unsafe {
        call(env, info, |signer: &Signer, [header, payload]| {
            let header = JsText::from_napi_value(env, header)?;
            let payload = JsText::from_napi_value(env, payload)?;
            JsString::to_napi_value(env, signer.sign_into(&header, payload.as_bytes())?)
        })
    }
}

/// `verify(token, now)` for this verifier: checks a token at `now` (unix seconds from the JS clock) and returns the
/// payload text. When the options hold a RegExp audience, the checks stop before the audience step: JS then calls
/// `finishAudience`.
#[cfg_attr(test, allow(dead_code))]
#[napi(
    catch_unwind,
    ts_return_type = "(token: string, now: number) => string"
)]
pub fn bound_verify(
    env: Env,
    #[napi(ts_arg_type = "ExternalObject<'Verifier'>")] verifier: &External<Verifier>,
) -> Result<BoundFunction> {
    bind(env, "verify", Verifier::clone(verifier), verify_callback)
}

unsafe extern "C" fn verify_callback(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    unsafe {
        call(env, info, |verifier: &Verifier, [token, now]| {
            let token = JsText::from_napi_value(env, token)?;
            let now = f64::from_napi_value(env, now)?;
            let verified = verifier.verify_into(&token, now)?;
            text::recycle(verified.header);
            JsString::to_napi_value(env, JsString(verified.payload))
        })
    }
}
